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
            Writes user-factors.npy and item-factors.npy (rows in id order), user-ids.json and \
            item-ids.json (a JSON array of strings, row i's id at position i, so any id round-trips: \
            json.load in Python), and for models with biases user-biases.npy, \
            item-biases.npy and global-bias.txt, so that numpy computes the same scores: \
            U @ V.T + global_bias + user_biases[:, None] + item_biases[None, :].
            """)

    @Option(help: "The model file (written by --save).")
    var modelFile: String
    @Option(help: "The output folder (created if missing).")
    var output: String
    @Option(help: "Element type of the .npy files: float32 or float64.")
    var dtype: DataType = .float64

    enum DataType: String, ExpressibleByArgument, CaseIterable {
        case float32, float64

        var numPy: NumPyDataType { self == .float32 ? .float32 : .float64 }
    }

    func run() throws {
        try reportingErrors {
            let bytes: [UInt8]
            do throws(_FileFailure) { bytes = try _readWholeFile(modelFile) } catch {
                throw FileOptionError(option: "--model-file", path: modelFile, reason: "cannot read: \(error.reason)")
            }
            try createFolder(output)
            switch try ModelFile.kind(of: bytes) {
            case .matrixFactorization:
                try write(MatrixFactorizationModel<Double, String, String>(modelFileBytes: bytes), dtype.numPy)
            case .popularity:
                try write(Popularity<Double, String, String>(modelFileBytes: bytes), dtype.numPy)
            case .jointFactorization:
                try write(JointFactorizationModel<Double, String, String>(modelFileBytes: bytes), dtype.numPy)
            case let other:
                throw ModelFileError.invalidSection(section: "meta", reason: "unknown model kind '\(other)'")
            }
        }
    }

    /// Creates the output folder (and missing parents), with errors that say what is in the way.
    private func createFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw FileOptionError(option: "--output", path: path, reason: "is a file, not a folder")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileOptionError(option: "--output", path: path,
                                  reason: "cannot create the folder (a parent is a file, or not writable)")
        }
    }

    /// `ids` as a JSON array of strings.
    private func json(_ ids: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return String(decoding: try encoder.encode(ids), as: UTF8.self) + "\n"
    }

    private func write<Model: FactorModel>(_ model: Model, _ dataType: NumPyDataType) throws
    where Model.UserID == String, Model.ItemID == String {
        try model.userFactors.writeNumPy(toFile: output + "/user-factors.npy", as: dataType)
        try model.itemFactors.writeNumPy(toFile: output + "/item-factors.npy", as: dataType)
        try writeText(json(model.userIDs.ids), to: output + "/user-ids.json", option: "--output")
        try writeText(json(model.itemIDs.ids), to: output + "/item-ids.json", option: "--output")
        if let biases = model.userBiases {
            try Matrix(rowCount: biases.count, columnCount: 1, elements: biases)
                .writeNumPy(toFile: output + "/user-biases.npy", as: dataType)
        }
        if let biases = model.itemBiases {
            try Matrix(rowCount: biases.count, columnCount: 1, elements: biases)
                .writeNumPy(toFile: output + "/item-biases.npy", as: dataType)
        }
        if model.userBiases != nil || model.itemBiases != nil || model.globalBias != 0 {
            try writeText("\(model.globalBias)\n", to: output + "/global-bias.txt", option: "--output")
        }
    }
}
