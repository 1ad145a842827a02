import Foundation
import FusionRec

/// A progress bar on standard error for a fit's ``TrainingProgress`` reports: iteration
/// i/N, loss (and its terms, for joint models), elapsed time and the estimated time left.
///
/// On a terminal it redraws one line in place; otherwise (a pipe, a log file) it writes a
/// line per update.
final class ProgressBar {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1
    private var drawn = false
    private var terms = ""

    init(label: String) {
        self.label = label
    }

    /// Draws the state after one iteration.
    func update(_ progress: TrainingProgress) {
        let elapsed = Self.seconds(progress.elapsed)
        let done = Double(progress.iteration) / Double(max(progress.iterationCount, 1))
        let left = progress.iteration > 0 ? elapsed / Double(progress.iteration)
            * Double(progress.iterationCount - progress.iteration) : 0
        let width = 20
        let filled = Int((done * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(label) \(bar) \(progress.iteration)/\(progress.iterationCount)  loss "
            + Self.compact(progress.loss) + String(format: "  %.1f s, ~%.1f s left", elapsed, left)
        terms = progress.terms.map { "\($0.name) \(Self.compact($0.value))" }.joined(separator: ", ")
        // A redrawn line must fit the terminal, so the terms go on it only in line mode
        // and are printed once the fit ends.
        write(isTerminal || terms.isEmpty ? line : line + "  [" + terms + "]")
    }

    /// Shows what happens before the first iteration (such as encoding side information).
    func status(_ text: String) {
        write("\(label): \(text)")
    }

    /// Ends the bar's line with the fit's total time.
    func finish(seconds: Double) {
        var summary = String(format: "\(label): fitted in %.2f s", seconds)
        if isTerminal, !terms.isEmpty { summary += "; final loss terms: " + terms }
        if isTerminal, drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(summary)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("\(summary)\n".utf8))
        }
        drawn = false
    }

    private func write(_ line: String) {
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            drawn = true
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// A loss value in 4 significant digits.
    private static func compact(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
