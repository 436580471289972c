import JSONSupport
import Parquet
import ValueFormats

/// Formats assembled Parquet records as JSON text in the value convention, choosing each
/// leaf's text form from its Parquet logical type (dates, times, timestamps, decimals,
/// UUIDs, strings, hex for other bytes).
public struct ParquetJSONFormatter {
    /// The record plan the values follow.
    public let assembler: RecordAssembler

    /// Creates a formatter for an assembler's records.
    public init(assembler: RecordAssembler) { self.assembler = assembler }

    /// One JSON object for a record.
    public func format(_ record: [ParquetValue]) -> String {
        var out = "{"
        for (i, f) in assembler.fields.enumerated() {
            if i > 0 { out += "," }
            JSONValue.writeString(f.name, to: &out)
            out += ":"
            Self.write(record[i], f.shape, to: &out)
        }
        out += "}"
        return out
    }

    /// Appends the JSON for a value of a shape.
    public static func write(_ value: ParquetValue, _ shape: RecordShape, to out: inout String) {
        switch (value, shape) {
        case (.null, _):
            out += "null"
        case (.record(let values), .group(_, let fields)):
            out += "{"
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(f.name, to: &out)
                out += ":"
                write(values[i], f.shape, to: &out)
            }
            out += "}"
        case (.list(let items), .list(_, _, let element)):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, element, to: &out)
            }
            out += "]"
        case (.map(let keys, let values), .map(_, _, let k, let v)):
            out += "{\"keys\":["
            for (i, key) in keys.enumerated() {
                if i > 0 { out += "," }
                write(key, k, to: &out)
            }
            out += "],\"values\":["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                if let v { write(value, v, to: &out) } else { out += "null" }
            }
            out += "]}"
        case (_, .leaf(_, let node)):
            writeLeaf(value, node.element, to: &out)
        default:
            out += "null"
        }
    }

    package static func writeLeaf(_ value: ParquetValue, _ e: SchemaElement, to out: inout String) {
        let logical = e.effectiveLogicalType
        switch value {
        case .boolean(let b): out += b ? "true" : "false"
        case .int32(let v):
            switch logical {
            case .date?: out += "\"" + TemporalValues.formatDate(Int(v)) + "\""
            case .time(_, .millis)?: out += "\"" + TemporalValues.formatTime(Int64(v), unitsPerSecond: 1000) + "\""
            case .decimal(_, let s)?: out += "\"" + DecimalValues.format(Int128(v), scale: Int(s)) + "\""
            case .integer(_, false)?: out += String(UInt32(bitPattern: v))
            default: out += String(v)
            }
        case .int64(let v):
            switch logical {
            case .timestamp(let utc, let unit)?:
                out += "\"" + TemporalValues.formatTimestamp(v, unitsPerSecond: unit.perSecond, utc: utc) + "\""
            case .time(_, let unit)?:
                out += "\"" + TemporalValues.formatTime(v, unitsPerSecond: unit.perSecond) + "\""
            case .decimal(_, let s)?: out += "\"" + DecimalValues.format(Int128(v), scale: Int(s)) + "\""
            case .integer(_, false)?: out += String(UInt64(bitPattern: v))
            default: out += String(v)
            }
        case .float(let f): out += formatFloat(f)
        case .double(let d): out += JSONValue.formatDouble(d)
        case .bytes(let b):
            if e.type == .int96 {
                out +=
                    "\""
                    + TemporalValues.formatTimestamp(
                        Int96Timestamp.nanosSinceEpoch(b), unitsPerSecond: 1_000_000_000, utc: false)
                    + "\""
                return
            }
            switch logical {
            case .string?, .enum?, .json?:
                JSONValue.writeString(String(decoding: b, as: UTF8.self), to: &out)
            case .decimal(_, let s)?:
                if let u = DecimalValues.unscaled(fromBigEndian: b) {
                    out += "\"" + DecimalValues.format(u, scale: Int(s)) + "\""
                } else {
                    out += "\"" + ByteText.hex(b) + "\""
                }
            case .uuid? where b.count == 16:
                out += "\"" + ByteText.uuid(b) + "\""
            case .float16? where b.count == 2:
                out += formatFloat(Float(Float16Bits.decode(UInt16(b[0]) | UInt16(b[1]) << 8)))
            default:
                out += "\"" + ByteText.hex(b) + "\""
            }
        default:
            out += "null"
        }
    }

    static func formatFloat(_ f: Float) -> String {
        if f.isNaN { return "\"NaN\"" }
        if f.isInfinite { return f > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        return f.description
    }
}

extension TimeUnit {
    /// Units per second.
    var perSecond: Int64 {
        switch self {
        case .millis: 1000
        case .micros: 1_000_000
        case .nanos: 1_000_000_000
        }
    }
}

/// IEEE half-precision decoding without relying on platform `Float16`.
enum Float16Bits {
    static func decode(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1F)
        let frac = Double(h & 0x3FF)
        if exp == 0 { return sign * frac * pow2(-24) }
        if exp == 31 { return frac == 0 ? sign * .infinity : .nan }
        return sign * (1 + frac / 1024) * pow2(exp - 15)
    }

    private static func pow2(_ e: Int) -> Double {
        Double(sign: .plus, exponent: e, significand: 1)
    }
}
