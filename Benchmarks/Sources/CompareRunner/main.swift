import Parquet
import Workloads

// The Swift side of Benchmarks/compare. Usage:
//   compare-runner write DATA_DIR CODEC OUT_FILE RUNS   -> prints {"ms": [...]} (times of each run)
//   compare-runner read FILE RUNS                        -> prints {"ms": [...], "rows": N}

func codec(_ name: String) -> ParquetCompression {
    switch name {
    case "snappy": return .snappy
    case "zstd": return .zstd(level: 1)
    case "gzip": return .gzip(level: 6)
    default: return .uncompressed
    }
}

let args = CommandLine.arguments
guard args.count >= 2 else { fatalError("usage: compare-runner write|read …") }
switch args[1] {
case "write":
    let columns = try EventsColumns.load(directory: args[2])
    let data = columns.columnData()
    let schema = try EventsColumns.schema()
    var options = ParquetWriterOptions()
    options.compression = codec(args[3])
    var times: [Double] = []
    for _ in 0..<Int(args[5])! {
        let start = monotonicNanos()
        let writer = try ParquetWriter(sink: try FileSink(path: args[4]), schema: schema, options: options)
        try writer.write(data)
        try writer.close()
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times)}")
case "read":
    var times: [Double] = []
    var rows = 0
    for _ in 0..<Int(args[3])! {
        let start = monotonicNanos()
        let reader = try ParquetReader(path: args[2])
        rows = 0
        for g in 0..<reader.rowGroupCount {
            let columns = try reader.readRowGroup(g)
            rows += columns[0].levelCount
        }
        times.append(Double(monotonicNanos() - start) / 1e6)
    }
    print("{\"ms\": \(times), \"rows\": \(rows)}")
default:
    fatalError("unknown mode \(args[1])")
}
