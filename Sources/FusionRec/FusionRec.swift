// FusionRec re-exports every module of the library, so `import FusionRec` is all a
// host app needs. Import a single module instead to depend on less.
@_exported import LinearAlgebra
@_exported import FeatureEncoding
@_exported import Persistence
@_exported import Factorization
@_exported import Ranking
@_exported import Fusion
@_exported import TextEmbedding
@_exported import Evaluation
@_exported import Serving
