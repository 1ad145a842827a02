import AudioEmbedding
import Factorization
import FeatureEncoding
import Fusion
import ImageDecoding
import LinearAlgebra

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded synthetic catalogue whose images and sounds carry the category that users
/// prefer, and whose titles carry nothing: the planted truth behind
/// `fusionrec demo --multimodal` and ``MultimodalComparison``.
///
/// Every item belongs to one of a few categories. Its picture (a PNG written through
/// libpng) draws a category's shape in that category's colour on a random pastel
/// background, with jittered position, size and hue and pixel noise; its sound (a 16-bit
/// WAV) is a tone at a category's pitch, pulsed at that category's rhythm, with jittered
/// pitch and background noise. Each view is noisy on its own: with probability
/// ``Configuration/mediaNoise`` the picture shows a random category instead of the
/// item's, and, independently, so does the sound — so pictures and sounds together say
/// more than either alone. Its title is two words drawn independently of the
/// category, so text alone knows nothing about it. Every user prefers one category:
/// each of their interactions is, with probability 1 − ``Configuration/noise``, an item
/// of that category (popular ones more often), else any item. A random
/// ``Configuration/coldShare`` of the items is held out with all their interactions: the
/// cold items to be placed from side information alone.
///
/// The folder holds `items.csv` (`id,title,image,audio,category`; paths relative to
/// it), `images/ITEM.png`, `sounds/ITEM.wav`, `train.csv` and `test.csv`
/// (`userId,itemId,rating`). The `category` column is the planted truth, for inspection;
/// ``MultimodalComparison`` never reads it.
public struct PlantedMultimodalCatalogue: Sendable {
    /// The sizes, the noise and the seed.
    public struct Configuration: Sendable, Hashable {
        /// The number of items, 10...100,000. Default 400.
        public var itemCount: Int
        /// The number of users, 1...100,000. Default 300.
        public var userCount: Int
        /// The number of categories, 2...6 (one per drawable shape and pitch). Default 5.
        public var categoryCount: Int
        /// Interactions per user, 1...1,000 and at most the item count. Default 24.
        public var interactionsPerUser: Int
        /// The share of each user's interactions drawn from the whole catalogue instead of
        /// the preferred category, 0...1. Default 0.2.
        public var noise: Double
        /// The probability that an item's picture shows a random category instead of its
        /// own (drawn again, independently, for its sound), 0...1. Default 0.4.
        public var mediaNoise: Double
        /// The share of items held out as cold items, strictly between 0 and 1. Default 0.2.
        public var coldShare: Double
        /// The side of the square pictures in pixels, 8...1,024. Default 64.
        public var imageSide: Int
        /// The length of the clips in seconds, 0.05...10. Default 0.5.
        public var clipSeconds: Double
        /// The sample rate of the clips in Hz, 4,000...96,000. Default 22,050 (the
        /// log-mel analyser's, so nothing is resampled).
        public var sampleRate: Int
        /// The seed of every random choice. Default 17.
        public var seed: UInt64

        /// A configuration; every parameter has the documented default.
        public init(
            itemCount: Int = 400, userCount: Int = 300, categoryCount: Int = 5, interactionsPerUser: Int = 24,
            noise: Double = 0.2, mediaNoise: Double = 0.4, coldShare: Double = 0.2, imageSide: Int = 64, clipSeconds: Double = 0.5,
            sampleRate: Int = 22_050, seed: UInt64 = 17
        ) {
            self.itemCount = itemCount
            self.userCount = userCount
            self.categoryCount = categoryCount
            self.interactionsPerUser = interactionsPerUser
            self.noise = noise
            self.mediaNoise = mediaNoise
            self.coldShare = coldShare
            self.imageSide = imageSide
            self.clipSeconds = clipSeconds
            self.sampleRate = sampleRate
            self.seed = seed
        }

        /// Checks every value against its range before anything is allocated.
        ///
        /// - Throws: ``MultimodalDemoError/invalidConfiguration(parameter:value:reason:)``.
        public func validate() throws(MultimodalDemoError) {
            func check(_ ok: Bool, _ parameter: String, _ value: Any, _ reason: String) throws(MultimodalDemoError) {
                guard ok else { throw .invalidConfiguration(parameter: parameter, value: "\(value)", reason: reason) }
            }
            try check((10...100_000).contains(itemCount), "itemCount", itemCount, "must be in 10...100000")
            try check((1...100_000).contains(userCount), "userCount", userCount, "must be in 1...100000")
            try check((2...6).contains(categoryCount), "categoryCount", categoryCount, "must be in 2...6")
            try check((1...min(1_000, itemCount)).contains(interactionsPerUser), "interactionsPerUser",
                      interactionsPerUser, "must be in 1...\(min(1_000, itemCount))")
            try check((0...1).contains(noise), "noise", noise, "must be in 0...1")
            try check((0...1).contains(mediaNoise), "mediaNoise", mediaNoise, "must be in 0...1")
            try check(coldShare > 0 && coldShare < 1, "coldShare", coldShare, "must lie strictly between 0 and 1")
            let coldCount = Int((Double(itemCount) * coldShare).rounded())
            try check(coldCount >= 1 && coldCount < itemCount, "coldShare", coldShare,
                      "must hold out at least one item and keep at least one")
            try check((8...1_024).contains(imageSide), "imageSide", imageSide, "must be in 8...1024")
            try check(clipSeconds >= 0.05 && clipSeconds <= 10, "clipSeconds", clipSeconds, "must be in 0.05...10")
            try check((4_000...96_000).contains(sampleRate), "sampleRate", sampleRate, "must be in 4000...96000")
        }
    }

    /// The configuration the catalogue was generated with.
    public let configuration: Configuration
    /// The folder of `items.csv`, the pictures, the sounds and the splits.
    public let folder: String
    /// `items.csv`, read back: columns `id`, `title`, `image`, `audio`, `category`.
    public let items: AttributeTable<String>
    /// The interactions with warm items.
    public let training: Interactions<String, String>
    /// The interactions with cold items.
    public let test: Interactions<String, String>
    /// The held-out items, in catalogue order.
    public let coldItems: [String]
    /// Each item's planted category, by id.
    public let categories: [String: Int]
    /// Each user's preferred category, by id.
    public let preferences: [String: Int]

    /// Generates the catalogue into `folder` (created if missing; its parent must exist),
    /// overwriting the files of an earlier run. The same configuration gives the same
    /// files, byte for byte.
    ///
    /// - Throws: ``MultimodalDemoError`` for a bad configuration, a folder that cannot be
    ///   created or a file that cannot be written; `FactorizationError` when a CSV file
    ///   cannot be written or read back; `ImageDecodingError` and `AudioEmbeddingError`
    ///   never, for a valid configuration.
    /// - Complexity: O(items · (imageSide² + clipSeconds · sampleRate) + users · interactionsPerUser).
    public static func generate(_ configuration: Configuration = Configuration(), in folder: String) throws -> Self {
        try configuration.validate()
        for path in [folder, folder + "/images", folder + "/sounds"] { try makeFolder(path) }
        var random = SplitMix64(seed: configuration.seed)
        let n = configuration.itemCount, c = configuration.categoryCount
        let ids = (0..<n).map { "item\($0)" }
        let itemCategories = (0..<n).map { _ in Int.random(in: 0..<c, using: &random) }

        var rows: [[String]] = []
        rows.reserveCapacity(n)
        for (index, id) in ids.enumerated() {
            let category = itemCategories[index]
            let title = "\(Self.titleWords.randomElement(using: &random)!) \(Self.titleWords.randomElement(using: &random)!)"
            let image = "images/\(id).png", sound = "sounds/\(id).wav"
            func shown() -> Int {
                Double.random(in: 0..<1, using: &random) < configuration.mediaNoise
                    ? Int.random(in: 0..<c, using: &random) : category
            }
            let picture = _PlantedMedia.picture(category: shown(), side: configuration.imageSide, using: &random)
            try Self.write(try picture.pngBytes(source: image), to: folder + "/" + image)
            let clip = _PlantedMedia.clip(category: shown(), seconds: configuration.clipSeconds,
                                          sampleRate: configuration.sampleRate, using: &random)
            try Self.write(try clip.wavBytes(source: sound), to: folder + "/" + sound)
            rows.append([id, title, image, sound, "\(category)"])
        }
        let itemsPath = folder + "/items.csv"
        try AttributeTable<String>.writeCSV(columnNames: ["id", "title", "image", "audio", "category"], rows: rows,
                                            path: itemsPath)

        // Popularity within a category: weights 1/(1 + rank)^0.7 over a random order.
        var byCategory = [[Int]](repeating: [], count: c)
        for item in (0..<n).shuffled(using: &random) { byCategory[itemCategories[item]].append(item) }
        let weights = byCategory.map { members in members.indices.map { 1 / pow(Double($0 + 1), 0.7) } }
        let coldCount = Int((Double(n) * configuration.coldShare).rounded())
        let cold = Set((0..<n).shuffled(using: &random).prefix(coldCount))

        var training: [Interactions<String, String>.Record] = [], test: [Interactions<String, String>.Record] = []
        var preferences: [String: Int] = [:]
        for user in 0..<configuration.userCount {
            let id = "user\(user)", preferred = Int.random(in: 0..<c, using: &random)
            preferences[id] = preferred
            var chosen = Set<Int>()
            var attempts = 0
            while chosen.count < configuration.interactionsPerUser, attempts < 50 * configuration.interactionsPerUser {
                attempts += 1
                let item: Int
                if Double.random(in: 0..<1, using: &random) < configuration.noise || byCategory[preferred].isEmpty {
                    item = Int.random(in: 0..<n, using: &random)
                } else {
                    item = byCategory[preferred][Self.weightedIndex(weights[preferred], using: &random)]
                }
                guard chosen.insert(item).inserted else { continue }
                let record = Interactions<String, String>.Record(user: id, item: ids[item], value: 1)
                if cold.contains(item) { test.append(record) } else { training.append(record) }
            }
        }
        try Interactions<String, String>.writeCSV(records: training, path: folder + "/train.csv")
        try Interactions<String, String>.writeCSV(records: test, path: folder + "/test.csv")
        return Self(
            configuration: configuration, folder: folder, items: try AttributeTable<String>(csvPath: itemsPath),
            training: try Interactions(training), test: try Interactions(test),
            coldItems: ids.indices.filter { cold.contains($0) }.map { ids[$0] },
            categories: Dictionary(uniqueKeysWithValues: zip(ids, itemCategories)), preferences: preferences)
    }

    /// An index drawn with probability proportional to `weights` (all positive).
    private static func weightedIndex(_ weights: [Double], using random: inout SplitMix64) -> Int {
        var target = Double.random(in: 0..<weights.reduce(0, +), using: &random)
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }

    /// Writes `bytes` to `path` (scratch data: no temporary file, no `fsync`).
    private static func write(_ bytes: [UInt8], to path: String) throws(MultimodalDemoError) {
        guard let file = fopen(path, "wb") else {
            throw .cannotWriteFile(path: path, reason: String(cString: strerror(errno)))
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file) == 0
        guard written == bytes.count, closed else {
            throw .cannotWriteFile(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Creates `path` when it does not exist.
    private static func makeFolder(_ path: String) throws(MultimodalDemoError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw .cannotCreateFolder(path: path, reason: "a file is in the way") }
            return
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw .cannotCreateFolder(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Words of the titles, drawn without regard to the category.
    static let titleWords = [
        "amber", "river", "quiet", "harbour", "velvet", "north", "paper", "garden", "silver", "morning", "echo",
        "lantern", "copper", "meadow", "winter", "signal", "hollow", "bright", "stone", "orbit", "maple", "tide",
        "canvas", "ember", "drift", "summit", "cedar", "pocket", "violet", "thunder", "island", "marble",
    ]
}
