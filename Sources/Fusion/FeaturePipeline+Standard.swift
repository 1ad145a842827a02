extension FeaturePipeline {
    /// The pipeline that measured best for columns of each kind: the defaults of
    /// `fusionrec --model fusion`'s column options.
    ///
    /// Text columns go through `textEncoding` (hashing, 256 dimensions, by default),
    /// categorical columns are multi-hot, numeric columns ``NumericEncoder/Representation/automatic``
    /// (one-hot years), and, when `crossing` is `true`, every categorical column is crossed
    /// with every numeric column in coarse buckets chosen from its values (genre × decade).
    /// Categorical and cross blocks weigh 0.3, the others 1. Chosen on a cold split carved
    /// from MovieLens' coldi10 training file and on its u8020 inner split, never on a test
    /// file (`Benchmarks/Compare/choose-fusion-defaults.sh`; figures in `Docs/Fusion.md`):
    /// the crosses bring carved cold-item NDCG@10 from 0.165 to 0.211, one-hot years
    /// AUC from 0.670 (standardised) to 0.810.
    ///
    /// - Parameters:
    ///   - text: text columns.
    ///   - categorical: columns of `|`-separated categories; MovieLens' `(no genres listed)`
    ///     is left out of their vocabularies.
    ///   - numeric: numeric columns; empty cells are missing.
    ///   - textEncoding: how text columns are encoded.
    ///   - crossing: whether to add the categorical × numeric crosses.
    /// - Returns: the blocks text, categorical, numeric, then crosses, each named after its
    ///   column (`genres×year` for a cross).
    public static func standard(
        text: [String] = [], categorical: [String] = [], numeric: [String] = [],
        textEncoding: TextEncoding = .hashing(), crossing: Bool = true
    ) -> FeaturePipeline {
        let ignored: Set<String> = ["(no genres listed)"]
        var blocks = text.map { Block.text($0, encoder: textEncoding) }
        blocks += categorical.map { Block.categorical($0, ignoring: ignored, weight: standardCategoricalWeight) }
        blocks += numeric.map { Block.numeric($0) }
        if crossing {
            for category in categorical {
                blocks += numeric.map { Block.cross(category, $0, weight: standardCategoricalWeight) }
            }
        }
        return FeaturePipeline(blocks)
    }

    /// The weight of categorical and cross blocks in ``standard(text:categorical:numeric:textEncoding:crossing:)``.
    public static let standardCategoricalWeight = 0.3
}
