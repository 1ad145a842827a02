import ArgumentParser

// The checks every command makes on option values at parse time, so that a bad value is
// a usage error (exit status 64) naming the option, never a failure after the work began.

/// `--threads`, when given, must be at least 1.
func checkThreads(_ threads: Int?) throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
}

/// `value`, when given, must be positive and finite.
func checkPositive(_ value: Double?, _ option: String) throws {
    if let value, !(value > 0 && value.isFinite) {
        throw ValidationError("\(option) must be a positive finite number, got \(value)")
    }
}

/// `value`, when given, must be finite and not negative.
func checkNonNegative(_ value: Double?, _ option: String) throws {
    if let value, !(value >= 0 && value.isFinite) {
        throw ValidationError("\(option) must be a finite number of at least 0, got \(value)")
    }
}
