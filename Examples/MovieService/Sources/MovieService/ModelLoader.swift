import Factorization
import Fusion
import Persistence
import Serving

/// Opens a model file of either kind as a live model.
enum ModelLoader {
    static func load(
        _ path: String, training: Interactions<Int, Int>, configuration: LiveModel<Float, Int, Int>.Configuration
    ) throws -> LiveModel<Float, Int, Int> {
        switch try ModelFile.kind(ofFile: path) {
        case .jointFactorization:
            return try LiveModel(model: try JointFactorizationModel<Float, Int, Int>(contentsOfFile: path), training: training,
                                 configuration: configuration)
        default:
            return try LiveModel(model: try MatrixFactorizationModel<Float, Int, Int>(contentsOfFile: path), training: training,
                                 configuration: configuration)
        }
    }
}
