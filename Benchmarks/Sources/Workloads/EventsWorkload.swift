import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `events` workload: id long (required), ts timestamptz, category string (8 values),
/// price double, qty int, note (~20-byte unique string). `Benchmarks/compare` generates the
/// columns once in Python and saves them as raw little-endian files so that every
/// implementation times the same data.
public struct EventsColumns {
    public var id: [Int64]
    public var ts: [Int64]
    public var category: ByteArrayBuffer
    public var price: [Double]
    public var qty: [Int32]
    public var note: ByteArrayBuffer

    public var rowCount: Int { id.count }

    /// The Parquet schema used by every implementation (optional columns except `id`).
    public static func schema() throws -> ParquetSchema {
        try ParquetSchema(fields: [
            .primitive("id", .int64, .required, fieldId: 1),
            .primitive(
                "ts", .int64, .optional, fieldId: 2, logicalType: .timestamp(isAdjustedToUTC: true, unit: .micros)),
            .primitive("category", .byteArray, .optional, fieldId: 3, logicalType: .string),
            .primitive("price", .double, .optional, fieldId: 4),
            .primitive("qty", .int32, .optional, fieldId: 5),
            .primitive("note", .byteArray, .optional, fieldId: 6, logicalType: .string),
        ])
    }

    /// The columns as writer input (no nulls; optional columns carry all-defined levels).
    public func columnData() -> [ColumnData] {
        let defined = [UInt8](repeating: 1, count: rowCount)
        return [
            ColumnData(values: .int64(id)),
            ColumnData(values: .int64(ts), definitionLevels: defined),
            ColumnData(values: .byteArray(category), definitionLevels: defined),
            ColumnData(values: .double(price), definitionLevels: defined),
            ColumnData(values: .int32(qty), definitionLevels: defined),
            ColumnData(values: .byteArray(note), definitionLevels: defined),
        ]
    }

    /// Loads the raw files written by `Benchmarks/compare` (`id.i64`, `ts.i64`,
    /// `category.offsets`/`category.data`, `price.f64`, `qty.i32`, `note.offsets`/`note.data`).
    public static func load(directory: String) throws -> EventsColumns {
        func raw(_ name: String) throws -> [UInt8] {
            let input = try FileInput(path: directory + "/" + name)
            return try input.read(offset: 0, count: input.size)
        }
        func typed<T>(_ name: String, _: T.Type) throws -> [T] {
            let bytes = try raw(name)
            let n = bytes.count / MemoryLayout<T>.stride
            return [T](unsafeUninitializedCapacity: n) { buf, c in
                bytes.withUnsafeBytes { src in UnsafeMutableRawBufferPointer(buf).copyMemory(from: src) }
                c = n
            }
        }
        func strings(_ name: String) throws -> ByteArrayBuffer {
            ByteArrayBuffer(data: try raw(name + ".data"), offsets: try typed(name + ".offsets", Int32.self))
        }
        return EventsColumns(
            id: try typed("id.i64", Int64.self), ts: try typed("ts.i64", Int64.self),
            category: try strings("category"), price: try typed("price.f64", Double.self),
            qty: try typed("qty.i32", Int32.self), note: try strings("note"))
    }

    /// Generates the workload in Swift (used by the package-benchmark suites).
    public static func generate(rows: Int) -> EventsColumns {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let categories = ["books", "games", "garden", "music", "sports", "tools", "toys", "travel"]
        var category = ByteArrayBuffer(capacity: rows, byteCapacity: rows * 6)
        var note = ByteArrayBuffer(capacity: rows, byteCapacity: rows * 21)
        var ts = [Int64]()
        var price = [Double]()
        var qty = [Int32]()
        ts.reserveCapacity(rows)
        price.reserveCapacity(rows)
        qty.reserveCapacity(rows)
        var t: Int64 = 1_700_000_000_000_000
        for i in 0..<rows {
            t += Int64(next() % 2_000_000)
            ts.append(t)
            category.append(categories[Int(next() % 8)])
            price.append(Double(next() % 100_000) / 100)
            qty.append(Int32(next() % 20) + 1)
            note.append("note-\(i)-\(next() % 1_000_000_000)")
        }
        return EventsColumns(id: Array(0..<Int64(rows)), ts: ts, category: category, price: price, qty: qty, note: note)
    }
}

/// Monotonic time in nanoseconds.
public func monotonicNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
