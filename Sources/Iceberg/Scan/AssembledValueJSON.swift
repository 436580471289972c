import JSONSupport
import Parquet

/// Assembled Parquet values (`RecordAssembler` output) in the JSON value convention of their
/// Iceberg types; how `ColumnBatch.jsonRows()` renders rows.
enum AssembledValueJSON {
    /// Converts an assembled Parquet value to the JSON value convention for an Iceberg type.
    static func convert(_ value: ParquetValue, _ shape: RecordShape, _ type: IcebergType) -> JSONValue {
        switch (value, shape, type) {
        case (.null, _, _):
            return .null
        case (.record(let values), .group(_, let fields), .struct(let st)):
            return .object(
                st.fields.map { f in
                    guard let i = fields.firstIndex(where: { $0.shape.node.element.fieldId.map(Int.init) == f.id })
                    else {
                        return (f.name, f.initialDefault ?? .null)
                    }
                    return (f.name, convert(values[i], fields[i].shape, f.type))
                })
        case (.list(let items), .list(_, _, let element), .list(let l)):
            return .array(items.map { convert($0, element, l.element) })
        case (.map(let keys, let values), .map(_, _, let k, let v), .map(let m)):
            return .object([
                ("keys", .array(keys.map { convert($0, k, m.key) })),
                ("values", .array(values.map { value in v.map { convert(value, $0, m.value) } ?? .null })),
            ])
        default:
            return primitive(value, type)
        }
    }

    static func primitive(_ value: ParquetValue, _ type: IcebergType) -> JSONValue {
        switch (value, type) {
        case (.boolean(let b), _): return .bool(b)
        case (.int32(let d), .date): return .string(TemporalValues.formatDate(Int(d)))
        case (.int32(let v), .decimal(_, let s)): return .string(DecimalValues.format(Int128(v), scale: s))
        case (.int64(let v), .decimal(_, let s)): return .string(DecimalValues.format(Int128(v), scale: s))
        case (.bytes(let b), .decimal(_, let s)):
            return DecimalValues.unscaled(fromBigEndian: b).map { .string(DecimalValues.format($0, scale: s)) } ?? .null
        case (.int32(let v), _): return .int(Int64(v))
        case (.int64(let t), .time): return .string(TemporalValues.formatTime(t, unitsPerSecond: 1_000_000))
        case (.int64(let t), .timestamp):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000, utc: false))
        case (.int64(let t), .timestamptz):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000, utc: true))
        case (.int64(let t), .timestampNs):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000_000, utc: false))
        case (.int64(let t), .timestamptzNs):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000_000, utc: true))
        case (.int64(let v), _): return .int(v)
        case (.float(let f), _):
            if !f.isFinite { return .string(f.isNaN ? "NaN" : (f > 0 ? "Infinity" : "-Infinity")) }
            return .double(Double(f.description) ?? Double(f))
        case (.double(let d), _):
            if !d.isFinite { return .string(d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity")) }
            return .double(d)
        case (.bytes(let b), .string): return .string(String(decoding: b, as: UTF8.self))
        case (.bytes(let b), .uuid) where b.count == 16: return .string(ByteText.uuid(b))
        case (.bytes(let b), _): return .string(ByteText.hex(b))
        default: return .null
        }
    }
}
