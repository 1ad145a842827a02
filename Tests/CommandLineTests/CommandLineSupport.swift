import Foundation
import Testing

/// The built `fusionrec` executable: `FUSIONREC_EXECUTABLE` when set; else the one beside
/// the running test binary (SwiftPM puts both in `.build/<triple>/<configuration>/`, and
/// the test target's dependency on `fusionrec` makes `swift test` build it); else
/// `.build/debug/fusionrec` under the package root, found from this file's path.
let fusionrecExecutable: String = {
    if let path = ProcessInfo.processInfo.environment["FUSIONREC_EXECUTABLE"] { return path }
    var folders = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()]
    if let executable = Bundle.main.executableURL { folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
    folders += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    folders.append(root.appendingPathComponent(".build/debug"))
    let candidates = folders.map { $0.appendingPathComponent("fusionrec").path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
}()

/// The package root, for fixtures committed in the repository.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// What one run of the tool did.
struct CommandResult {
    var status: Int32
    var standardOutput: [UInt8]
    var standardError: String

    var output: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// A temporary working folder, removed when the value goes away; the tool runs in it.
final class Scratch {
    let root: String
    /// The folder the tool runs in; paths given to the tool are relative to it.
    let folder: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = NSTemporaryDirectory() + "fusionrec-cli-\(safe)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        folder = root + "/work"
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func path(_ name: String) -> String { folder + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let created = FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
        precondition(created, "cannot create \(path(name))")
        return name
    }

    func bytes(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: path(name)).map { Array($0) } }

    func text(_ name: String) -> String? { bytes(name).map { String(decoding: $0, as: UTF8.self) } }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// The names in the working folder, sorted.
    func listing() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }

    /// Runs `fusionrec arguments…` in the working folder.
    func run(_ arguments: [String]) throws -> CommandResult {
        try launch(fusionrecExecutable, arguments)
    }

    /// Runs a `/bin/sh -c` script in the working folder with `$FUSIONREC` set to the tool.
    func shell(_ script: String) throws -> CommandResult {
        try launch("/bin/sh", ["-c", script], environment: ["FUSIONREC": fusionrecExecutable])
    }

    private func launch(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var variables = ProcessInfo.processInfo.environment
        variables["FUSIONREC_THREADS"] = "1"
        variables.merge(environment) { $1 }
        process.environment = variables
        let outPath = root + "/stdout", errPath = root + "/stderr"
        for capture in [outPath, errPath] {
            precondition(FileManager.default.createFile(atPath: capture, contents: nil), "cannot create \(capture)")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: Array(FileManager.default.contents(atPath: outPath) ?? Data()),
            standardError: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }
}

/// Seeded explicit ratings, `userId,itemId,rating`: 12 users × 15 items, about two
/// thirds of the pairs rated 1…5 (a SplitMix64 stream from `seed`).
func seededRatings(seed: UInt64 = 42) -> String {
    var state = seed
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    var text = "userId,itemId,rating\n"
    for user in 1...12 {
        for item in 1...15 where next() % 3 != 0 { text += "u\(user),i\(item),\(next() % 5 + 1)\n" }
    }
    return text
}

/// An item table for the seeded ratings: `itemId,title,genres,year`.
func seededItems() -> String {
    let genres = ["Drama", "Comedy|Drama", "Action", "Sci-Fi|Action", "Comedy"]
    var text = "itemId,title,genres,year\n"
    for item in 1...15 { text += "i\(item),Title number \(item),\(genres[item % 5]),\(1960 + 4 * item)\n" }
    return text
}

/// A scratch folder holding the seeded ratings `r.csv` and a catalogue of media files for
/// the `--image-column` and `--audio-column` tests, every path relative to `catalogue/`:
/// `items.csv` (`itemId,genres,COLUMN`, 15 items: i1…i13 name the fixture `files` in turn,
/// i14 the missing `FOLDER/gone.EXT`, i15 `FOLDER/broken.EXT`, which holds text),
/// `new.csv` (n1 and n2, unseen, naming the first two files) and `bigger.csv` (both).
///
/// - Parameters:
///   - column: the name of the column of paths.
///   - folder: the folder under `catalogue/` the files are copied to.
///   - fixtures: the folder, relative to the package root, the files are copied from.
///   - files: at least two fixture files; `EXT` is the first one's extension.
func mediaCatalogue(column: String, folder: String, fixtures: String, files: [String]) throws -> Scratch {
    precondition(files.count >= 2, "new.csv names two distinct files, got \(files)")
    let scratch = Scratch()
    try FileManager.default.createDirectory(atPath: scratch.path("catalogue/" + folder), withIntermediateDirectories: true)
    for name in files {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/" + fixtures + "/" + name))
        scratch.write("catalogue/\(folder)/\(name)", Array(bytes))
    }
    let fileExtension = URL(fileURLWithPath: files[0]).pathExtension
    scratch.write("catalogue/\(folder)/broken.\(fileExtension)", "this is not a media file")
    var items = "itemId,genres,\(column)\n"
    for item in 1...13 {
        items += "i\(item),\(["Drama", "Comedy", "Action"][item % 3]),\(folder)/\(files[item % files.count])\n"
    }
    items += "i14,Drama,\(folder)/gone.\(fileExtension)\ni15,Comedy,\(folder)/broken.\(fileExtension)\n"
    scratch.write("catalogue/items.csv", items)
    let new = "n1,,\(folder)/\(files[0])\nn2,,\(folder)/\(files[1])\n"
    scratch.write("catalogue/new.csv", "itemId,genres,\(column)\n" + new)
    scratch.write("catalogue/bigger.csv", items + new)
    scratch.write("r.csv", seededRatings())
    return scratch
}

/// Expects a failed run: `status`, and standard error holding `message`.
func expectFailure(
    _ result: CommandResult, status: Int32, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == status, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
    #expect(result.standardError.contains(message), "stderr: \(result.standardError)", sourceLocation: sourceLocation)
}

/// Expects a run that exited 0.
func expectSuccess(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status == 0, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
}
