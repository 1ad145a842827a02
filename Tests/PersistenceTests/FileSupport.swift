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

func symlinkForTest(_ target: String, at path: String) -> Bool { symlink(target, path) == 0 }

/// Whether `path` itself (not what a link there points at) is a symbolic link.
func isSymbolicLink(_ path: String) -> Bool {
    var info = stat()
    return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
}

/// The permission bits of the file at `path`.
func permissions(_ path: String) -> UInt32 {
    var info = stat()
    return stat(path, &info) == 0 ? UInt32(info.st_mode & 0o7777) : 0
}

func chmodForTest(_ path: String, _ mode: UInt32) -> Bool { chmod(path, mode_t(mode)) == 0 }
