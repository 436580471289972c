import Parquet

/// How much column metrics a table keeps (`write.metadata.metrics.*`).
public enum MetricsMode: Sendable, Hashable {
    /// No metrics.
    case none
    /// Value, null and NaN counts only.
    case counts
    /// Counts and bounds, strings and binary truncated to N characters/bytes.
    case truncate(Int)
    /// Counts and full bounds.
    case full

    /// Parses `none`, `counts`, `truncate(16)`, `full`.
    public init?(_ text: String) {
        let t = text.trimmingSpaces.lowercased()
        switch t {
        case "none": self = .none
        case "counts": self = .counts
        case "full": self = .full
        default:
            guard t.hasPrefix("truncate("), t.hasSuffix(")"), let n = Int(t.dropFirst(9).dropLast()), n > 0 else {
                return nil
            }
            self = .truncate(n)
        }
    }
}

extension Schema {
    /// The type of any field id, including list elements and map keys and values.
    public func type(ofFieldId id: Int) -> IcebergType? {
        func search(_ t: IcebergType) -> IcebergType? {
            switch t {
            case .struct(let s):
                for f in s.fields {
                    if f.id == id { return f.type }
                    if let found = search(f.type) { return found }
                }
            case .list(let l):
                if l.elementId == id { return l.element }
                return search(l.element)
            case .map(let m):
                if m.keyId == id { return m.key }
                if m.valueId == id { return m.value }
                return search(m.key) ?? search(m.value)
            default: break
            }
            return nil
        }
        return search(.struct(StructType(fields)))
    }
}

/// Builds a `DataFile`'s metrics from the footer of a Parquet file we wrote, as Iceberg's
/// writers do: value and null counts per leaf, NaN counts counted while writing, column
/// sizes, and lower/upper bounds for leaves outside lists and maps (truncated per mode).
struct FileMetrics: Sendable {
    let schema: Schema
    /// The mode of columns without their own setting.
    let defaultMode: MetricsMode
    /// Modes set per column (`write.metadata.metrics.column.<name>`), by column name.
    let columnModes: [String: MetricsMode]

    /// Metrics in one mode for every column.
    init(schema: Schema, mode: MetricsMode) {
        self.schema = schema
        defaultMode = mode
        columnModes = [:]
    }

    /// Metrics as a table's `write.metadata.metrics.*` properties ask; throws
    /// `IcebergError.invalidProperty` for a mode that does not parse.
    init(schema: Schema, properties: [(String, String)]) throws {
        func mode(_ key: String, _ text: String) throws -> MetricsMode {
            guard let m = MetricsMode(text) else {
                throw IcebergError.invalidProperty(key: key, value: text, expected: "none, counts, truncate(N) or full")
            }
            return m
        }
        self.schema = schema
        let defaultKey = TableProperties.metricsDefault
        defaultMode = try mode(defaultKey.key, try defaultKey.value(in: properties))
        var columns: [String: MetricsMode] = [:]
        for (key, text) in properties where key.hasPrefix(TableProperties.metricsColumnPrefix) {
            columns[String(key.dropFirst(TableProperties.metricsColumnPrefix.count))] = try mode(key, text)
        }
        columnModes = columns
    }

    func mode(for columnName: String) -> MetricsMode { columnModes[columnName] ?? defaultMode }

    func apply(_ footer: FileMetaData, parquetSchema: ParquetSchema, nanCounts: [Int: Int64], to file: inout DataFile) {
        var lower: [Int: Literal] = [:]
        var upper: [Int: Literal] = [:]
        var noBounds = Set<Int>()
        for group in footer.rowGroups {
            for (i, chunk) in group.columns.enumerated() {
                guard let meta = chunk.metaData, i < parquetSchema.columns.count else { continue }
                let column = parquetSchema.columns[i]
                guard let fid = column.node.element.fieldId.map(Int.init), let type = schema.type(ofFieldId: fid) else {
                    continue
                }
                let name = schema.columnName(id: fid) ?? column.path.joined(separator: ".")
                let mode = mode(for: name)
                if mode == .none { continue }
                file.valueCounts[fid, default: 0] += meta.numValues
                file.columnSizes[fid, default: 0] += meta.totalCompressedSize
                if let n = meta.statistics?.nullCount { file.nullValueCounts[fid, default: 0] += n }
                guard mode != .counts, column.maxRepetitionLevel == 0 else { continue }
                guard let stats = meta.statistics, let minBytes = stats.minValue, let maxBytes = stats.maxValue,
                    let lo = Self.literal(minBytes, column, type), let hi = Self.literal(maxBytes, column, type)
                else {
                    // A row group without bounds (all null, only NaN): no file bound can be claimed
                    // unless every value is null, which counts already say.
                    if (meta.statistics?.nullCount ?? -1) != meta.numValues { noBounds.insert(fid) }
                    continue
                }
                if let cur = lower[fid] {
                    if (Literal.compare(lo, cur) ?? 0) < 0 { lower[fid] = lo }
                } else {
                    lower[fid] = lo
                }
                if let cur = upper[fid] {
                    if (Literal.compare(hi, cur) ?? 0) > 0 { upper[fid] = hi }
                } else {
                    upper[fid] = hi
                }
            }
        }
        for (fid, n) in nanCounts { file.nanValueCounts[fid] = n }
        for (fid, lo) in lower where !noBounds.contains(fid) {
            guard let type = schema.type(ofFieldId: fid), let hi = upper[fid] else { continue }
            let mode = mode(for: schema.columnName(id: fid) ?? "")
            let (l, u) = truncate(lo, hi, mode)
            file.lowerBounds[fid] = l.serialized(as: type)
            if let u { file.upperBounds[fid] = u.serialized(as: type) }
        }
        file.splitOffsets = footer.rowGroups.compactMap { $0.fileOffset ?? $0.columns.first?.fileOffset }.sorted()
    }

    /// Truncates string/binary bounds; the upper bound is incremented so it stays an upper bound.
    func truncate(_ lo: Literal, _ hi: Literal, _ mode: MetricsMode) -> (Literal, Literal?) {
        guard case .truncate(let n) = mode else { return (lo, hi) }
        switch (lo, hi) {
        case (.string(let a), .string(let b)):
            let la = String(String.UnicodeScalarView(a.unicodeScalars.prefix(n)))
            guard b.unicodeScalars.count > n else { return (.string(la), hi) }
            var scalars = Array(b.unicodeScalars.prefix(n))
            while let last = scalars.popLast() {
                var next = last.value + 1
                if next >= 0xD800 && next <= 0xDFFF { next = 0xE000 }
                if let s = Unicode.Scalar(next) {
                    scalars.append(s)
                    return (.string(la), .string(String(String.UnicodeScalarView(scalars))))
                }
            }
            return (.string(la), nil)
        case (.bytes(let a), .bytes(let b)):
            let la = Array(a.prefix(n))
            guard b.count > n else { return (.bytes(la), hi) }
            var ub = Array(b.prefix(n))
            while let last = ub.last {
                if last < 0xFF {
                    ub[ub.count - 1] = last + 1
                    return (.bytes(la), .bytes(ub))
                }
                ub.removeLast()
            }
            return (.bytes(la), nil)
        default:
            return (lo, hi)
        }
    }

    /// A Parquet statistics value (footer or column index) as an Iceberg literal.
    static func literal(_ bytes: [UInt8], _ column: ColumnDescriptor, _ type: IcebergType) -> Literal? {
        func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch (column.physicalType, type) {
        case (.int32, .decimal): return le(Int32.self).map { .decimal(Int128($0)) }
        case (.int64, .decimal): return le(Int64.self).map { .decimal(Int128($0)) }
        case (.fixedLenByteArray, .decimal), (.byteArray, .decimal):
            return DecimalValues.unscaled(fromBigEndian: bytes).map { .decimal($0) }
        case (.int32, .long): return le(Int32.self).map { .long(Int64($0)) }
        case (.float, .double): return le(UInt32.self).map { .double(Double(Float(bitPattern: $0))) }
        default: return Literal.deserialize(bytes, as: type)
        }
    }
}
