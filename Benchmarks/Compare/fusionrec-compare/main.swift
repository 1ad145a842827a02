// The FusionRec side of the peer comparison (Benchmarks/Compare/compare.py): reads a
// training CSV (user,item,value[,…] with a header), fits one model, writes its factors
// as raw little-endian arrays for the script to evaluate, and prints the timing as JSON.
// With `--recommend-repeats N` it also times the batched top-10 of every user (training
// items excluded) N times through `Ranker` and writes the lists (`top10.bin`, item ids in
// the order of `ranker_user_ids.bin`).
//
// With `--rank DIR` it fits nothing: it ranks the factors in DIR (`user_factors.npy`,
// `item_factors.npy`, users and items numbered from 0) with the training matrix in CSR form
// (`train_indptr.npy`, `train_indices.npy`, float64) excluded, times the batched top-10 of
// every user `--recommend-repeats` times and writes `top10.bin` to OUTDIR
// (recommend_compare.py --scale). `--tile-rows`, `--tile-columns` and
// `--threaded-products true` choose the tiling instead of the library's default.
//
// With `--ingest FILE` it only reads FILE as `fusionrec` does (`Interactions<String,
// String>.readCSV`, repeated pairs summed) and prints the seconds, processor seconds and peak
// resident memory of the read as JSON (ingest_compare.py).
//
//     fusionrec-compare TRAIN.csv OUTDIR --model implicit-als --factors 64 --iterations 15 \
//         --regularization 0.05 --alpha 40 --solver cg --cg-steps 3 --threads 2 --precision float
import Factorization
import Foundation
import LinearAlgebra
import Ranking

struct Options {
    var train = "", output = "", model = "implicit-als", solver = "cg", precision = "float", values = "binary"
    var factors = 64, iterations = 15, cgSteps = 3, threads = 2, seed: UInt64 = 42, recommendRepeats = 0
    var regularization = 0.05, biasRegularization: Double? = nil, alpha = 40.0, weighted = false
    var rank: String? = nil, ingest: String? = nil, tileRows: Int? = nil, tileColumns: Int? = nil, threadedProducts = false
}

func parseOptions() -> Options {
    var options = Options()
    var positional: [String] = []
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        guard argument.hasPrefix("--") else {
            positional.append(argument)
            continue
        }
        let value = arguments.next() ?? ""
        switch argument {
        case "--model": options.model = value
        case "--solver": options.solver = value
        case "--precision": options.precision = value
        case "--implicit-values": options.values = value
        case "--factors": options.factors = Int(value)!
        case "--iterations": options.iterations = Int(value)!
        case "--cg-steps": options.cgSteps = Int(value)!
        case "--threads": options.threads = Int(value)!
        case "--seed": options.seed = UInt64(value)!
        case "--regularization": options.regularization = Double(value)!
        case "--bias-regularization": options.biasRegularization = Double(value)!
        case "--alpha": options.alpha = Double(value)!
        case "--weighted": options.weighted = value == "true"
        case "--recommend-repeats": options.recommendRepeats = Int(value)!
        case "--rank": options.rank = value
        case "--ingest": options.ingest = value
        case "--tile-rows": options.tileRows = Int(value)!
        case "--tile-columns": options.tileColumns = Int(value)!
        case "--threaded-products": options.threadedProducts = value == "true"
        default: fatalError("unknown option \(argument)")
        }
    }
    if options.ingest != nil { return options }
    if options.rank != nil {
        precondition(positional.count == 1, "usage: fusionrec-compare --rank DIR OUTDIR [options]")
        options.output = positional[0]
        return options
    }
    precondition(positional.count == 2, "usage: fusionrec-compare TRAIN.csv OUTDIR [options]")
    (options.train, options.output) = (positional[0], positional[1])
    return options
}

func readInteractions(_ path: String) throws -> Interactions<Int, Int> {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var records: [Interactions<Int, Int>.Record] = []
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: ",")
        records.append(.init(user: Int(fields[0])!, item: Int(fields[1])!, value: Double(fields[2])!))
    }
    return try Interactions(records)
}

func write(_ values: [some BinaryFloatingPoint], to path: String) throws {
    let data = values.map { Float($0) }.withUnsafeBufferPointer { Data(buffer: $0) }
    try data.write(to: URL(fileURLWithPath: path))
}

func write(ids: [Int], to path: String) throws {
    let data = ids.map { Int64($0) }.withUnsafeBufferPointer { Data(buffer: $0) }
    try data.write(to: URL(fileURLWithPath: path))
}

/// A field of /proc/self/status in kB (VmRSS: resident now, VmHWM: peak resident).
func memoryStatus(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
}

/// User plus system processor time of the process so far, all threads.
func processorSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

func run<Scalar: BLASScalar>(_ options: Options, _ interactions: Interactions<Int, Int>, _: Scalar.Type) throws {
    Parallel.threadCount = options.threads
    // Reset the peak-resident counter so VmHWM after the fit is the fit's own peak.
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    let residentBefore = memoryStatus("VmRSS")
    let cpuBefore = processorSeconds()
    let clock = ContinuousClock()
    let start = clock.now
    let model: MatrixFactorizationModel<Scalar, Int, Int>
    switch options.model {
    case "implicit-als":
        let solver: ImplicitAlternatingLeastSquares.Solver =
            options.solver == "cholesky" ? .cholesky : .conjugateGradient(steps: options.cgSteps)
        model = try ImplicitAlternatingLeastSquares(.init(
            factorCount: options.factors, regularization: options.regularization, alpha: options.alpha,
            values: options.values == "raw" ? .raw : .binary, iterationCount: options.iterations, solver: solver,
            seed: options.seed)).fit(interactions, as: Scalar.self)
    case "als":
        model = try AlternatingLeastSquares(.init(
            factorCount: options.factors, regularization: options.regularization,
            biasRegularization: options.biasRegularization, weightedRegularization: options.weighted,
            iterationCount: options.iterations, seed: options.seed)).fit(interactions, as: Scalar.self)
    default:
        fatalError("unknown model \(options.model)")
    }
    let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
    let peakDuringFit = memoryStatus("VmHWM")
    let cpuSeconds = processorSeconds() - cpuBefore
    let nonZeros = interactions.count
    let dataBytes = 2 * nonZeros * (MemoryLayout<Double>.size + MemoryLayout<Int32>.size)
        + (interactions.userCount + interactions.itemCount + 2) * MemoryLayout<Int>.size
    let factorBytes = (interactions.userCount + interactions.itemCount) * model.factorCount * MemoryLayout<Scalar>.size
    try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
    try write(ids: model.userIDs.ids, to: options.output + "/user_ids.bin")
    try write(ids: model.itemIDs.ids, to: options.output + "/item_ids.bin")
    try write(model.userFactors.elements, to: options.output + "/user_factors.bin")
    try write(model.itemFactors.elements, to: options.output + "/item_factors.bin")
    if let biases = model.userBiases { try write(biases, to: options.output + "/user_biases.bin") }
    if let biases = model.itemBiases { try write(biases, to: options.output + "/item_biases.bin") }
    var recommendSeconds: [Double] = []
    if options.recommendRepeats > 0 {
        let ranker = try Ranker(model: model, training: interactions)
        let users = Array(0..<ranker.users.count)
        var lists: [[RankedItem<Int>]] = []
        for _ in 0..<options.recommendRepeats {
            let begin = clock.now
            lists = ranker.recommend(userIndices: users, count: 10)
            let elapsed = clock.now - begin
            recommendSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        try write(ids: ranker.users.ids, to: options.output + "/ranker_user_ids.bin")
        try write(ids: lists.flatMap { list in (0..<10).map { $0 < list.count ? list[$0].id : -1 } },
                  to: options.output + "/top10.bin")
    }
    print("""
        {"fit_seconds": \(seconds), "fit_cpu_seconds": \(cpuSeconds), "iterations": \(options.iterations), "factors": \(model.factorCount), \
        "global_bias": \(Double(model.globalBias)), "users": \(model.userIDs.count), "items": \(model.itemIDs.count), \
        "resident_before_fit_kb": \(residentBefore), "peak_resident_during_fit_kb": \(peakDuringFit), \
        "interaction_data_kb": \(dataBytes / 1024), "factor_kb": \(factorBytes / 1024), \
        "recommend_seconds": \(recommendSeconds)}
        """)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// `--rank`: top-10 of every user on given factors, the training items excluded.
func rank<Scalar: BLASScalar>(_ options: Options, _: Scalar.Type) throws {
    Parallel.threadCount = options.threads
    let directory = options.rank!
    let userFactors = try Matrix<Scalar>(numPyFile: directory + "/user_factors.npy")
    let itemFactors = try Matrix<Scalar>(numPyFile: directory + "/item_factors.npy")
    let offsets = try Matrix<Double>(numPyFile: directory + "/train_indptr.npy").elements.map { Int($0) }
    let columns = try Matrix<Double>(numPyFile: directory + "/train_indices.npy").elements
    let m = userFactors.rowCount, n = itemFactors.rowCount
    var records: [Interactions<Int, Int>.Record] = []
    records.reserveCapacity(columns.count)
    for user in 0..<m {
        for entry in offsets[user]..<offsets[user + 1] {
            records.append(.init(user: user, item: Int(columns[entry]), value: 1))
        }
    }
    let training = try Interactions(records, userIDs: IDMap(Array(0..<m)), itemIDs: IDMap(Array(0..<n)))
    records = []
    let model = MatrixFactorizationModel(
        userIDs: IDMap(Array(0..<m)), itemIDs: IDMap(Array(0..<n)), userFactors: userFactors,
        itemFactors: itemFactors, predictsValues: false,
        foldInRule: .implicit(alpha: 1, regularization: 0, binaryValues: true))
    let ranker = try Ranker(model: model, training: training)
    let users = Array(0..<ranker.users.count)
    let tiling: _TopKTiling? = options.tileRows != nil || options.tileColumns != nil || options.threadedProducts
        ? _TopKTiling(rows: options.tileRows ?? 256, columns: options.tileColumns ?? 1024,
                      threadedProducts: options.threadedProducts)
        : nil
    let clock = ContinuousClock()
    var lists: [[RankedItem<Int>]] = []
    var recommendSeconds: [Double] = [], cpuSeconds: [Double] = []
    for _ in 0..<max(1, options.recommendRepeats) {
        let begin = clock.now, cpuBegin = processorSeconds()
        lists = tiling.map { ranker.recommend(userIndices: users, count: 10, tiling: $0) }
            ?? ranker.recommend(userIndices: users, count: 10)
        recommendSeconds.append(seconds(clock.now - begin))
        cpuSeconds.append(processorSeconds() - cpuBegin)
    }
    try FileManager.default.createDirectory(atPath: options.output, withIntermediateDirectories: true)
    try write(ids: ranker.users.ids, to: options.output + "/ranker_user_ids.bin")
    try write(ids: lists.flatMap { list in (0..<10).map { $0 < list.count ? list[$0].id : -1 } },
              to: options.output + "/top10.bin")
    print("""
        {"users": \(m), "items": \(n), "factors": \(userFactors.columnCount), "interactions": \(training.count), \
        "threads": \(options.threads), "peak_resident_kb": \(memoryStatus("VmHWM")), \
        "recommend_seconds": \(recommendSeconds), "recommend_cpu_seconds": \(cpuSeconds)}
        """)
}

/// Reads `path` as the command line does and prints what the read cost.
func ingest(_ path: String, _ options: Options) throws {
    Parallel.threadCount = options.threads
    let clock = ContinuousClock()
    let start = clock.now, cpuStart = processorSeconds()
    let read = try Interactions<String, String>.readCSV(path: path)
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print("""
        {"users": \(read.interactions.userCount), "items": \(read.interactions.itemCount), \
        "interactions": \(read.interactions.count), "records": \(read.recordCount), "seconds": \(seconds), \
        "cpu_seconds": \(processorSeconds() - cpuStart), "peak_resident_kb": \(memoryStatus("VmHWM"))}
        """)
}

let options = parseOptions()
if let path = options.ingest {
    try ingest(path, options)
    exit(0)
}
if options.rank != nil {
    if options.precision == "double" { try rank(options, Double.self) } else { try rank(options, Float.self) }
    exit(0)
}
let interactions = try readInteractions(options.train)
if options.precision == "double" {
    try run(options, interactions, Double.self)
} else {
    try run(options, interactions, Float.self)
}
