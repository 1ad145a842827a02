#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a weight-dependent test suite looks for its model file: the directory in an
/// environment variable, else `${XDG_CACHE_HOME:-$HOME/.cache}/fusionrec/<cacheFolder>`,
/// the directory the model's fetch script fills.
public struct ModelDirectory: Sendable {
    /// The directory searched.
    public let path: String
    /// Whether the model file is there.
    public let isAvailable: Bool

    /// Looks for `file`; when it is absent, prints which tests skip and how to fetch it.
    public init(environmentVariable: String, cacheFolder: String, file: String, fetchScript: String) {
        func variable(_ name: String) -> String? {
            guard let value = getenv(name).map({ String(cString: $0) }), !value.isEmpty else { return nil }
            return value
        }
        let cache = variable("XDG_CACHE_HOME") ?? ((variable("HOME") ?? "") + "/.cache")
        path = variable(environmentVariable) ?? cache + "/fusionrec/" + cacheFolder
        isAvailable = access(path + "/" + file, R_OK) == 0
        if !isAvailable {
            print(
                "⚠️ SKIPPING weight-dependent \(cacheFolder) tests: \(file) not found in \(path). "
                    + "Run \(fetchScript) (or set \(environmentVariable)) to run them.")
        }
    }
}

extension ModelDirectory {
    /// The EfficientNet-Lite0 weights `Scripts/fetch-efficientnet-lite0.sh` installs, in
    /// `FUSIONREC_IMAGE_MODEL_DIR` or the cache.
    public static let efficientNetLite0 = ModelDirectory(
        environmentVariable: "FUSIONREC_IMAGE_MODEL_DIR", cacheFolder: "efficientnet-lite0", file: "model.safetensors",
        fetchScript: "Scripts/fetch-efficientnet-lite0.sh")

    /// The musicnn weights `Scripts/fetch-musicnn.sh` installs, in `FUSIONREC_MUSICNN_DIR`
    /// or the cache.
    public static let musicnn = ModelDirectory(
        environmentVariable: "FUSIONREC_MUSICNN_DIR", cacheFolder: "musicnn", file: "model.safetensors",
        fetchScript: "Scripts/fetch-musicnn.sh")
}
