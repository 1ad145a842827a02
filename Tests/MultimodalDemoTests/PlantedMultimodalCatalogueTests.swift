import AudioEmbedding
import FeatureEncoding
import Fusion
import ImageDecoding
import LinearAlgebra
import MultimodalDemo
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh temporary folder, removed by ``remove()``.
struct ScratchFolder {
    let path: String

    init() {
        var template = Array("/tmp/fusionrec-planted-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func remove() { _ = system("rm -rf '\(path)'") }
}

@Suite("Planted multimodal catalogue")
struct PlantedMultimodalCatalogueTests {
    static let small = PlantedMultimodalCatalogue.Configuration(
        itemCount: 60, userCount: 40, categoryCount: 3, interactionsPerUser: 10, imageSide: 32, clipSeconds: 0.2, seed: 5)

    @Test("The same seed writes the same files; another seed does not")
    func deterministic() throws {
        let first = ScratchFolder(), second = ScratchFolder(), third = ScratchFolder()
        defer { first.remove(); second.remove(); third.remove() }
        let a = try PlantedMultimodalCatalogue.generate(Self.small, in: first.path + "/catalogue")
        let b = try PlantedMultimodalCatalogue.generate(Self.small, in: second.path)
        var other = Self.small
        other.seed = 6
        let c = try PlantedMultimodalCatalogue.generate(other, in: third.path)
        for name in ["items.csv", "train.csv", "test.csv", "images/item7.png", "sounds/item7.wav"] {
            #expect(try _readWholeFile(a.folder + "/" + name) == _readWholeFile(b.folder + "/" + name), "\(name)")
        }
        #expect(try _readWholeFile(a.folder + "/images/item7.png") != _readWholeFile(c.folder + "/images/item7.png"))
        #expect(a.coldItems == b.coldItems && a.categories == b.categories && a.preferences == b.preferences)
        #expect(a.coldItems.count == 12 && a.items.count == 60)
        #expect(Set(a.test.itemIDs.ids).isSubset(of: Set(a.coldItems)))
        #expect(Set(a.training.itemIDs.ids).isDisjoint(with: Set(a.coldItems)))
    }

    @Test("Pictures and sounds decode, at the configured size, and carry the category")
    func filesDecode() throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let catalogue = try PlantedMultimodalCatalogue.generate(Self.small, in: scratch.path)
        let images = try #require(catalogue.items.column(named: "image"))
        let sounds = try #require(catalogue.items.column(named: "audio"))
        var meanColour = [[Double]](repeating: [0, 0, 0], count: 3), counts = [0, 0, 0]
        for (index, id) in catalogue.items.ids.enumerated() {
            let image = try ImageDecoder().decode(contentsOf: catalogue.folder + "/" + images[index])
            #expect(image.width == 32 && image.height == 32)
            let clip = try WAVDecoder().decode(contentsOf: catalogue.folder + "/" + sounds[index])
            #expect(clip.sampleRate == 22_050 && clip.samples.count == 4_410)
            #expect(clip.samples.allSatisfy { abs($0) <= 1 })
            // The centre pixel lies inside every shape but the ring: its colour follows the category.
            let category = catalogue.categories[id]!
            let centre = (16 * 32 + 16) * 3
            counts[category] += 1
            for channel in 0..<3 { meanColour[category][channel] += Double(image.pixels[centre + channel]) }
        }
        // Category 0 is red, 1 green, 2 blue.
        for category in 0..<3 {
            let mean = meanColour[category].map { $0 / Double(counts[category]) }
            #expect(mean.firstIndex(of: mean.max()!) == category, "category \(category): \(mean)")
        }
    }

    @Test("Users mostly interact with their preferred category")
    func plantedPreferences() throws {
        let scratch = ScratchFolder()
        defer { scratch.remove() }
        let catalogue = try PlantedMultimodalCatalogue.generate(Self.small, in: scratch.path)
        var inside = 0, total = 0
        for interactions in [catalogue.training, catalogue.test] {
            for record in interactions.records {
                total += 1
                if catalogue.categories[record.item] == catalogue.preferences[record.user] { inside += 1 }
            }
        }
        // 80% by construction plus a third of the uniform 20%.
        #expect(total == 400)
        #expect(Double(inside) / Double(total) > 0.75)
    }

    @Test("A bad configuration is refused before anything is written")
    func badConfiguration() throws {
        var configuration = Self.small
        configuration.imageSide = 100_000
        #expect(throws: MultimodalDemoError.invalidConfiguration(
            parameter: "imageSide", value: "100000", reason: "must be in 8...1024")) {
            _ = try PlantedMultimodalCatalogue.generate(configuration, in: "/nonexistent/never")
        }
        #expect(throws: MultimodalDemoError.self) {
            _ = try PlantedMultimodalCatalogue.generate(Self.small, in: "/nonexistent/never")
        }
    }
}
