import ArgumentParser
import Foundation
import FusionRec

// Where the command line's files are read and written: every input read once, every
// output checked before the work starts and written atomically through the library's
// `_writeWholeFileAtomically` (links written through, folders and devices refused), `-`
// as standard output where an option says so.

/// An error about a file named by an option, printed as `OPTION PATH: reason`.
struct FileOptionError: Error, CustomStringConvertible {
    let option: String
    let path: String
    let reason: String

    var description: String { "\(option) \(path): \(reason)" }
}

/// Checks, before any work, that `path` can be written: its folder exists, and the path
/// (or the file a link there points at) is a regular file or absent. `-` (standard
/// output) passes when `allowsStandardOutput`.
func checkOutputFile(_ path: String, option: String, allowsStandardOutput: Bool = false) throws {
    if path == "-" {
        guard allowsStandardOutput else {
            throw FileOptionError(option: option, path: path, reason: "standard output is not supported here")
        }
        return
    }
    let target: String
    do { target = try _writeTarget(path) } catch { throw FileOptionError(option: option, path: path, reason: error.reason) }
    try checkFolder(of: target, option: option, path: path)
}

/// Checks that the folder that will hold `target` exists and can be written.
func checkFolder(of target: String, option: String, path: String) throws {
    let folder = (target as NSString).deletingLastPathComponent
    let name = folder.isEmpty ? "." : folder
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: name, isDirectory: &isFolder) else {
        throw FileOptionError(option: option, path: path, reason: "the folder \(name) does not exist")
    }
    guard isFolder.boolValue else {
        throw FileOptionError(option: option, path: path, reason: "\(name) is not a folder")
    }
    guard access(name, W_OK) == 0 else {
        throw FileOptionError(option: option, path: path, reason: "the folder \(name) is not writable")
    }
}

/// Writes `bytes` to `path` atomically, or to standard output when `path` is `-`.
func writeOutput(_ bytes: [UInt8], to path: String, option: String) throws {
    if path == "-" {
        FileHandle.standardOutput.write(Data(bytes))
        return
    }
    do {
        try _writeWholeFileAtomically(path, bytes)
    } catch {
        throw FileOptionError(option: option, path: path, reason: "cannot write: \(error.reason)")
    }
}

/// Something that identifies the file `path` names: its device and inode when it exists
/// (so links and different spellings of one file agree), else the real path of its folder
/// and its name.
func fileIdentity(_ path: String) -> String {
    var info = stat()
    if stat(path, &info) == 0 { return "inode \(info.st_dev):\(info.st_ino)" }
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let resolved = realpath(folder, nil).map { pointer in
        defer { free(pointer) }
        return String(cString: pointer)
    } ?? folder
    return "path " + resolved + "/" + url.lastPathComponent
}

/// Throws a usage error when two of `paths` (option and path) name the same file.
func checkDistinctFiles(_ paths: [(option: String, path: String)]) throws {
    var seen: [String: String] = [:]
    for (option, path) in paths {
        let identity = fileIdentity(path)
        if let earlier = seen[identity] {
            throw ValidationError("\(option) \(path) is the same file as \(earlier); every file must differ")
        }
        seen[identity] = "\(option) \(path)"
    }
}

/// Reads `.npy` triplets `USERS.npy,ITEMS.npy[,VALUES.npy]` (repeated pairs summed), or an
/// interactions file with string ids, detecting MovieLens columns, and merges
/// repeated (user, item) rows: explicit ratings (a value column named `rating` or
/// `score`) keep the last row of each pair, other values (counts, weights, or 1 for every
/// row without a value column) are summed. Says on standard error how many rows were
/// merged and how.
func readInteractions(_ path: String, option: String) throws -> Interactions<String, String> {
    let parts = path.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    if parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.hasSuffix(".npy") }) {
        return try Interactions<String, String>(numPyUsers: parts[0], items: parts[1], values: parts.count == 3 ? parts[2] : nil)
    }
    func isExplicit(_ valueColumn: String?) -> Bool {
        valueColumn.map { ["rating", "score"].contains($0.lowercased()) } ?? false
    }
    let read = try Interactions<String, String>.readCSV(path: path) { isExplicit($0) ? .last : .sum }
    let explicit = isExplicit(read.valueColumn)
    let data = read.interactions
    let merged = read.recordCount - data.count
    if merged > 0 {
        let how = explicit
            ? "kept the last \(read.valueColumn!) of each pair"
            : "summed the \(read.valueColumn.map { "\($0) values" } ?? "rows (a count per pair)") of each pair"
        FileHandle.standardError.write(Data(
            "fusionrec: \(option) \(path): merged \(merged) duplicate (user, item) rows: \(how)\n".utf8))
    }
    return data
}

/// The training rows of `users` in `train` whose items `items` holds, for fold-in.
func trainingRows(
    of users: [String], in train: Interactions<String, String>, keeping items: IDMap<String>
) -> [(id: String, interactions: [(item: String, value: Double)])] {
    users.map { user in
        guard let row = train.userIDs.index(of: user) else { return (user, []) }
        let matrix = train.byUser
        var interactions: [(item: String, value: Double)] = []
        for index in matrix.rowOffsets[row]..<matrix.rowOffsets[row + 1] {
            let item = train.itemIDs.ids[Int(matrix.columnIndices[index])]
            if items.index(of: item) != nil { interactions.append((item, matrix.values[index])) }
        }
        return (user, interactions)
    }
}
