import CFusionRecFFTW
import Synchronization

/// A single-precision real-to-complex FFTW plan of one length, shared by every thread.
///
/// FFTW's planner is not thread-safe, so plans are made once per length under a lock and
/// cached for the life of the process; executing a plan is thread-safe with the
/// new-array interface (`fftwf_execute_dft_r2c`) on arrays from `fftwf_malloc`, whose
/// alignment matches the arrays the plan was made with. This is the only file that
/// calls FFTW.
final class _FFTWPlan: @unchecked Sendable {
    /// The transform length.
    let length: Int
    private let plan: fftwf_plan

    private static let cache = Mutex<[Int: _FFTWPlan]>([:])

    private init(length: Int) {
        self.length = length
        let input = fftwf_alloc_real(length)!
        let output = fftwf_alloc_complex(length / 2 + 1)!
        defer {
            fftwf_free(input)
            fftwf_free(output)
        }
        plan = fftwf_plan_dft_r2c_1d(Int32(length), input, output, UInt32(FFTW_ESTIMATE))!
    }

    /// The plan for `length`, made on first use.
    static func forLength(_ length: Int) -> _FFTWPlan {
        cache.withLock { plans in
            if let plan = plans[length] { return plan }
            let plan = _FFTWPlan(length: length)
            plans[length] = plan
            return plan
        }
    }

    /// Scratch buffers for one thread's transforms; free them with ``deallocate()``.
    struct Buffers {
        /// `length` real inputs.
        let input: UnsafeMutablePointer<Float>
        /// `length / 2 + 1` complex outputs as interleaved (real, imaginary) pairs.
        let output: UnsafeMutablePointer<Float>
        fileprivate let complex: UnsafeMutablePointer<fftwf_complex>

        init(length: Int) {
            input = fftwf_alloc_real(length)!
            complex = fftwf_alloc_complex(length / 2 + 1)!
            output = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self)
        }

        func deallocate() {
            fftwf_free(input)
            fftwf_free(complex)
        }
    }

    /// Transforms `buffers.input` into `buffers.output`.
    ///
    /// - Complexity: O(length · log length).
    func execute(_ buffers: Buffers) {
        fftwf_execute_dft_r2c(plan, buffers.input, buffers.complex)
    }
}
