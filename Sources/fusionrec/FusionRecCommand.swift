import ArgumentParser
import FusionRec

import Foundation

/// The `fusionrec` command-line tool: a thin layer over the FusionRec library.
@main
struct FusionRecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fusionrec",
        abstract: "Fit, evaluate and use recommendation models.",
        subcommands: [
            DemoCommand.self, EvaluateCommand.self, RecommendCommand.self, SplitCommand.self, EmbedCommand.self,
            ExportCommand.self, PlaceCommand.self, TuneCommand.self, ImportCommand.self,
        ],
        defaultSubcommand: DemoCommand.self)
}

/// Runs `body`, turning a library error into a one-line message on standard error and a
/// non-zero exit status (no stack trace).
func reportingErrors<R>(_ body: () throws -> R) throws -> R {
    do {
        return try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("fusionrec: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// The async form of ``reportingErrors(_:)``.
func reportingErrors<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("fusionrec: error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}
