/// What a reader does with a record it cannot use (a missing field, an unparsable id or
/// value, a non-finite value).
public enum BadRecordPolicy: Sendable, Hashable {
    /// Throw an error naming the file, line and column (the default).
    case fail
    /// Skip the record and report it among the skipped ones.
    case skip
}
