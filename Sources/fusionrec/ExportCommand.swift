import ArgumentParser
import Foundation
import FusionRec

/// `fusionrec export`: writes a saved model's factors as NumPy `.npy` files for numpy,
/// implicit or cmfrec.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model file's factors, biases and ids as .npy and text files.",
        discussion: """
            Writes user-factors.npy and item-factors.npy (rows in id order), user-ids.txt and \
            item-ids.txt (one id per line), and for models with biases user-biases.npy, \
            item-biases.npy and global-bias.txt, so that numpy computes the same scores: \
            U @ V.T + global_bias + user_biases[:, None] + item_biases[None, :].
            """)

    @Option(help: "The model file (written by --save).")
    var modelFile: String
    @Option(help: "The output folder (created if missing).")
    var output: String
    @Option(help: "Element type of the .npy files: float32 or float64.")
    var dtype: String = "float64"

    func run() throws {
        try reportingErrors {
            guard let dataType = ["float32": NumPyDataType.float32, "float64": .float64][dtype] else {
                throw ValidationError("--dtype must be float32 or float64, got \(dtype)")
            }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            switch try ModelFile.kind(ofFile: modelFile) {
            case .matrixFactorization:
                try write(MatrixFactorizationModel<Double, String, String>(contentsOfFile: modelFile), dataType)
            case .popularity:
                try write(Popularity<Double, String, String>(contentsOfFile: modelFile), dataType)
            case .jointFactorization:
                try write(JointFactorizationModel<Double, String, String>(contentsOfFile: modelFile), dataType)
            case let other:
                throw ModelFileError.invalidSection(section: "meta", reason: "unknown model kind '\(other)'")
            }
        }
    }

    private func write<Model: FactorModel>(_ model: Model, _ dataType: NumPyDataType) throws
    where Model.UserID == String, Model.ItemID == String {
        try model.userFactors.writeNumPy(toFile: output + "/user-factors.npy", as: dataType)
        try model.itemFactors.writeNumPy(toFile: output + "/item-factors.npy", as: dataType)
        try writeText(model.userIDs.ids.map { $0 + "\n" }.joined(), to: output + "/user-ids.txt")
        try writeText(model.itemIDs.ids.map { $0 + "\n" }.joined(), to: output + "/item-ids.txt")
        if let biases = model.userBiases {
            try Matrix(rowCount: biases.count, columnCount: 1, elements: biases)
                .writeNumPy(toFile: output + "/user-biases.npy", as: dataType)
        }
        if let biases = model.itemBiases {
            try Matrix(rowCount: biases.count, columnCount: 1, elements: biases)
                .writeNumPy(toFile: output + "/item-biases.npy", as: dataType)
        }
        if model.userBiases != nil || model.itemBiases != nil || model.globalBias != 0 {
            try writeText("\(model.globalBias)\n", to: output + "/global-bias.txt")
        }
    }
}
