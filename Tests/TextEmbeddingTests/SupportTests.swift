import Foundation
import LinearAlgebra
import Testing
@testable import TextEmbedding

@Suite("Activation kernels")
struct ActivationTests {
    @Test("exact-form GELU agrees with ½·x·erfc(−x/√2) in Double to a few ulp, in the negative tail too")
    func gelu() {
        for step in -13_000...13_000 {
            let x = Float(step) / 1000
            let exact = 0.5 * Double(x) * Foundation.erfc(-Double(x) / 2.0.squareRoot())
            let error = abs(Double(_gelu(x)) - exact)
            #expect(error <= 6e-7 * abs(exact) + 1e-37, "x = \(x): \(_gelu(x)) vs \(exact)")
        }
        #expect(abs(_gelu(-30)) < 1e-30 && _gelu(30) == 30)
    }

    @Test("the exponential agrees with Double exp to about one ulp")
    func exponential() {
        for step in -8_730...8_830 {
            let x = Float(step) / 100
            let exact = Foundation.exp(Double(x))
            #expect(abs(Double(_exponential(x)) - exact) <= 2.5e-7 * exact, "x = \(x)")
            let shiftedExact = Foundation.exp(Double(x - 3) + 3)
            #expect(abs(Double(_exponential(x - 3, plus: 3)) - shiftedExact) <= 2.5e-7 * shiftedExact, "x = \(x) − 3 + 3")
        }
        #expect(_exponential(-1000) < 1e-37 && _exponential(-1000) >= 0)
    }
}
