import LinearAlgebra
import Persistence

/// The `user-pipeline` and `item-pipeline` sections of a joint model's file (format 1.1).
///
/// Layout: u64 block count; per block the name (string), the weight (f64), the
/// preprocessing (three u8 flags: centre, scale, normalise rows), then a u8 source tag
/// and its fields with the fitted state:
/// - 0 hashing text: column, u64 dimension, u64 word n-gram low and high, u8 has-character
///   n-grams (+ u64 low and high), then the dimension's f32 inverse document frequencies;
/// - 1 provided text: column, encoder name, identifier, u64 dimension;
/// - 2 categorical: column, separator, u64 count of ignored categories and each, then
///   u64 vocabulary size and each category;
/// - 3 numeric: column, u8 representation (0 standardised, 1 buckets), f64 origin,
///   f64 scale, u64 dimension;
/// - 4 cross: category column, numeric column, f64 bucket width, separator, u64
///   vocabulary size and each token;
/// - 5 image: column, encoder name, identifier, u64 dimension;
/// - 6 audio: column, encoder name, identifier, u64 dimension.
/// Strings are a u32 byte count and UTF-8 bytes; a separator is a one-character string.
extension FittedFeaturePipeline {
    package func modelFileSection() -> [UInt8] {
        var writer = _ByteWriter()
        writer.append(UInt64(specification.blocks.count))
        for (block, encoder) in zip(specification.blocks, encoders) {
            writer.append(block.name)
            writer.append(block.weight, width: 8)
            writer.append(block.preprocessing.centerColumns)
            writer.append(block.preprocessing.scaleColumns)
            writer.append(block.preprocessing.normalizeRows)
            switch (block.source, encoder) {
            case let (.text(column, _), .hashing(hashing)):
                writer.append(UInt8(0))
                writer.append(column)
                writer.append(UInt64(hashing.dimension))
                writer.append(UInt64(hashing.wordNGrams.lowerBound))
                writer.append(UInt64(hashing.wordNGrams.upperBound))
                writer.append(hashing.characterNGrams != nil)
                if let characters = hashing.characterNGrams {
                    writer.append(UInt64(characters.lowerBound))
                    writer.append(UInt64(characters.upperBound))
                }
                writer.append(contentsOf: hashing.inverseDocumentFrequencies, width: 4)
            case let (.text(column, _), .provided(name, identifier, dimension)),
                 let (.image(column, _), .media(_, name, identifier, dimension)),
                 let (.audio(column, _), .media(_, name, identifier, dimension)):
                // A host encoder's block: its name, identifier and dimension.
                switch encoder {
                case .media(.image, _, _, _): writer.append(UInt8(5))
                case .media(.audio, _, _, _): writer.append(UInt8(6))
                default: writer.append(UInt8(1))
                }
                writer.append(column)
                writer.append(name)
                writer.append(identifier)
                writer.append(UInt64(dimension))
            case let (.categorical(column, separator, ignoring), .categorical(categorical)):
                writer.append(UInt8(2))
                writer.append(column)
                writer.append(String(separator))
                writer.append(UInt64(ignoring.count))
                for category in ignoring.sorted() { writer.append(category) }
                writer.append(UInt64(categorical.categories.count))
                for category in categorical.categories { writer.append(category) }
            case let (.numeric(column, _), .numeric(numeric)):
                writer.append(UInt8(3))
                writer.append(column)
                writer.append(UInt8(numeric.representation == .standardized ? 0 : 1))
                writer.append(numeric.origin, width: 8)
                writer.append(numeric.scale, width: 8)
                writer.append(UInt64(numeric.dimension))
            case let (.cross(categoryColumn, numericColumn, _, separator), .cross(categorical, width)):
                writer.append(UInt8(4))
                writer.append(categoryColumn)
                writer.append(numericColumn)
                writer.append(width, width: 8)
                writer.append(String(separator))
                writer.append(UInt64(categorical.categories.count))
                for category in categorical.categories { writer.append(category) }
            default:
                preconditionFailure("block '\(block.name)': the fitted encoder does not match its source")
            }
        }
        return writer.bytes
    }

    /// Reads a pipeline section, validating every size before it allocates and every
    /// fitted value.
    ///
    /// - Throws: ``ModelFileError/invalidSection(section:reason:)`` naming `section`.
    package init(modelFileSection bytes: ArraySlice<UInt8>, section: String) throws(ModelFileError) {
        var reader = _ByteReader(section: section, bytes: bytes)
        let count = try reader.count(of: "blocks", minimumSize: 4 + 8 + 3 + 1)
        var blocks: [FeaturePipeline.Block] = []
        var encoders: [FittedEncoder] = []
        func separator() throws(ModelFileError) -> Character {
            let text = try reader.string()
            guard text.count == 1, let character = text.first else { throw reader.fail("separator \"\(text)\" is not one character") }
            return character
        }
        func strings(_ what: String) throws(ModelFileError) -> [String] {
            let count = try reader.count(of: what, minimumSize: 4)
            var result: [String] = []
            for _ in 0..<count { result.append(try reader.string()) }
            return result
        }
        func range(_ what: String) throws(ModelFileError) -> ClosedRange<Int> {
            let low = try size(what), high = try size(what)
            guard low >= 1, low <= high else { throw reader.fail("\(what)s \(low)...\(high) are not a range from 1") }
            return low...high
        }
        func size(_ what: String) throws(ModelFileError) -> Int {
            let value = try reader.integer(UInt64.self)
            guard value <= UInt64(FeaturePipeline.maximumDimension) else {
                throw reader.fail("\(what) \(value) exceeds \(FeaturePipeline.maximumDimension)")
            }
            return Int(value)
        }
        for _ in 0..<count {
            let name = try reader.string()
            let weight: Double = try reader.scalar(width: 8)
            let preprocessing = BlockPreprocessing(
                centerColumns: try reader.boolean(), scaleColumns: try reader.boolean(), normalizeRows: try reader.boolean())
            let source: FeaturePipeline.Source
            let encoder: FittedEncoder
            do {
                let tag = try reader.integer(UInt8.self)
                switch tag {
                case 0:
                    let column = try reader.string()
                    let dimension = try size("hashing dimension")
                    let words = try range("word n-gram length")
                    let characters = try reader.boolean() ? try range("character n-gram length") : nil
                    let frequencies: [Float] = try reader.scalars(dimension, width: 4)
                    let hashing = try HashingTextEncoder(
                        dimension: dimension, wordNGrams: words, characterNGrams: characters,
                        inverseDocumentFrequencies: frequencies)
                    source = .text(column: column, encoder: .hashing(dimension: dimension, wordNGrams: words,
                                                                     characterNGrams: characters))
                    encoder = .hashing(hashing)
                case 1, 5, 6:
                    let column = try reader.string(), encoderName = try reader.string(), identifier = try reader.string()
                    let dimension = try size("encoder dimension")
                    guard dimension > 0 else { throw reader.fail("block '\(name)': encoder dimension 0") }
                    switch tag {
                    case 5:
                        source = .image(column: column, encoder: encoderName)
                        encoder = .media(.image, name: encoderName, identifier: identifier, dimension: dimension)
                    case 6:
                        source = .audio(column: column, encoder: encoderName)
                        encoder = .media(.audio, name: encoderName, identifier: identifier, dimension: dimension)
                    default:
                        source = .text(column: column, encoder: .provided(encoderName))
                        encoder = .provided(name: encoderName, identifier: identifier, dimension: dimension)
                    }
                case 2:
                    let column = try reader.string(), split = try separator()
                    let ignoring = Set(try strings("ignored categories"))
                    let categorical = try CategoricalEncoder(categories: try strings("categories"), separator: split)
                    source = .categorical(column: column, separator: split, ignoring: ignoring)
                    encoder = .categorical(categorical)
                case 3:
                    let column = try reader.string()
                    let bucketed = try reader.boolean()
                    let origin: Double = try reader.scalar(width: 8), scale: Double = try reader.scalar(width: 8)
                    let representation: NumericEncoder.Representation = bucketed ? .buckets(width: scale) : .standardized
                    let numeric = try NumericEncoder(
                        representation: representation, origin: origin, scale: scale, dimension: try size("numeric dimension"))
                    source = .numeric(column: column, representation: representation)
                    encoder = .numeric(numeric)
                case 4:
                    let categoryColumn = try reader.string(), numericColumn = try reader.string()
                    let width: Double = try reader.scalar(width: 8)
                    let split = try separator()
                    let categorical = try CategoricalEncoder(categories: try strings("cross categories"), separator: split)
                    source = .cross(categoryColumn: categoryColumn, numericColumn: numericColumn, bucketWidth: width,
                                    separator: split)
                    encoder = .cross(categorical, width: width)
                case let tag:
                    throw reader.fail("block '\(name)': unknown source \(tag)")
                }
            } catch let error as ModelFileError {
                throw error
            } catch {
                throw reader.fail("block '\(name)': \(error)")
            }
            blocks.append(FeaturePipeline.Block(name: name, source, weight: weight, preprocessing: preprocessing))
            encoders.append(encoder)
        }
        try reader.finish()
        let specification = FeaturePipeline(blocks)
        do {
            try specification.validate()
        } catch {
            throw reader.fail(error.description)
        }
        self.init(specification: specification, encoders: encoders)
    }
}
