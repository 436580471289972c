import Benchmark
import Parquet
import Workloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(5))
    let events = EventsColumns.generate(rows: 200_000)
    let schema = try! EventsColumns.schema()
    let data = events.columnData()

    for (name, compression) in [("snappy", ParquetCompression.snappy), ("zstd", .zstd(level: 1)), ("none", .uncompressed)] {
        Benchmark("parquet-write-events-200k-\(name)") { benchmark in
            var options = ParquetWriterOptions()
            options.compression = compression
            for _ in benchmark.scaledIterations {
                let sink = MemorySink()
                let writer = try ParquetWriter(sink: sink, schema: schema, options: options)
                try writer.write(data)
                try writer.close()
                blackHole(sink.bytes.count)
            }
        }
    }

    let sink = MemorySink()
    let writer = try! ParquetWriter(sink: sink, schema: schema)
    try! writer.write(data)
    try! writer.close()
    let file = sink.bytes
    Benchmark("parquet-read-events-200k-snappy") { benchmark in
        for _ in benchmark.scaledIterations {
            let reader = try ParquetReader(input: MemoryInput(file))
            blackHole(try reader.readRowGroup(0))
        }
    }
}
