#if canImport(Glibc)
import Glibc
#endif

/// The names in a folder, sorted, without `.` and `..`.
func listFolder(_ path: String) -> [String]? {
    guard let directory = opendir(path) else { return nil }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

func mkdirForTest(_ path: String) -> Bool { mkdir(path, 0o755) == 0 }
