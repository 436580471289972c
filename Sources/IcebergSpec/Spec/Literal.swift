import JSONSupport

/// A single value of an Iceberg primitive type, stored in its canonical representation:
/// dates as days, times and timestamps as micro- or nanoseconds, decimals as unscaled
/// integers, UUIDs as 16 big-endian bytes. The type comes from context.
public enum Literal: Sendable, Hashable, CustomStringConvertible {
    /// boolean.
    case boolean(Bool)
    /// int and date.
    case int(Int32)
    /// long, time, timestamp variants.
    case long(Int64)
    /// float.
    case float(Float)
    /// double.
    case double(Double)
    /// decimal (unscaled).
    case decimal(Int128)
    /// string.
    case string(String)
    /// uuid, fixed and binary.
    case bytes([UInt8])

    /// A debugging description.
    public var description: String {
        switch self {
        case .boolean(let b): return "\(b)"
        case .int(let i): return "\(i)"
        case .long(let l): return "\(l)"
        case .float(let f): return "\(f)"
        case .double(let d): return "\(d)"
        case .decimal(let d): return "\(d)"
        case .string(let s): return "'\(s)'"
        case .bytes(let b): return ByteText.hex(b)
        }
    }

    /// Binary single-value serialization (the spec's Appendix D), used for bounds.
    public func serialized(as type: IcebergType) -> [UInt8] {
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        switch self {
        case .boolean(let b): return [b ? 1 : 0]
        case .int(let i): return le(i)
        case .long(let l): return le(l)
        case .float(let f): return le(f.bitPattern)
        case .double(let d): return le(d.bitPattern)
        case .decimal(let u): return DecimalValues.minimalBytes(u)
        case .string(let s): return Array(s.utf8)
        case .bytes(let b): return b
        }
    }

    /// Decodes the binary single-value form for a type.
    public static func deserialize(_ bytes: [UInt8], as type: IcebergType) -> Literal? {
        func le<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard bytes.count == MemoryLayout<T>.size else { return nil }
            return bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(as: T.self)) }
        }
        switch type {
        case .boolean: return bytes.count == 1 ? .boolean(bytes[0] != 0) : nil
        case .int, .date: return le(Int32.self).map { .int($0) }
        case .long, .time, .timestamp, .timestamptz, .timestampNs, .timestamptzNs:
            // v1 writers may store int-width values for promoted columns.
            if bytes.count == 4 { return le(Int32.self).map { .long(Int64($0)) } }
            return le(Int64.self).map { .long($0) }
        case .float: return le(UInt32.self).map { .float(Float(bitPattern: $0)) }
        case .double:
            if bytes.count == 4 { return le(UInt32.self).map { .double(Double(Float(bitPattern: $0))) } }
            return le(UInt64.self).map { .double(Double(bitPattern: $0)) }
        case .decimal: return DecimalValues.unscaled(fromBigEndian: bytes).map { .decimal($0) }
        case .string: return String(validating: bytes, as: UTF8.self).map { .string($0) }
        case .uuid, .fixed, .binary: return .bytes(bytes)
        case .struct, .list, .map, .unknown, .variant, .geometry, .geography: return nil
        }
    }

    /// The value in the JSON single-value convention for a type.
    public func json(as type: IcebergType) -> JSONValue {
        switch (self, type) {
        case (.boolean(let b), _): return .bool(b)
        case (.int(let d), .date): return .string(TemporalValues.formatDate(Int(d)))
        case (.int(let i), _): return .int(Int64(i))
        case (.long(let t), .time): return .string(TemporalValues.formatTime(t, unitsPerSecond: 1_000_000))
        case (.long(let t), .timestamp):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000, utc: false))
        case (.long(let t), .timestamptz):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000, utc: true))
        case (.long(let t), .timestampNs):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000_000, utc: false))
        case (.long(let t), .timestamptzNs):
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: 1_000_000_000, utc: true))
        case (.long(let l), _): return .int(l)
        case (.float(let f), _):
            return f.isFinite ? .double(Double(f)) : .string(f.isNaN ? "NaN" : (f > 0 ? "Infinity" : "-Infinity"))
        case (.double(let d), _):
            return d.isFinite ? .double(d) : .string(d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))
        case (.decimal(let u), .decimal(_, let s)): return .string(DecimalValues.format(u, scale: s))
        case (.decimal(let u), _): return .string(DecimalValues.format(u, scale: 0))
        case (.string(let s), _): return .string(s)
        case (.bytes(let b), .uuid): return .string(ByteText.uuid(b))
        case (.bytes(let b), _): return .string(ByteText.hex(b))
        }
    }

    /// Orders two literals of the same type; nil when they are not comparable.
    public static func compare(_ a: Literal, _ b: Literal) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case (.int(let x), .int(let y)): return cmp(x, y)
        case (.long(let x), .long(let y)): return cmp(x, y)
        case (.int(let x), .long(let y)): return cmp(Int64(x), y)
        case (.long(let x), .int(let y)): return cmp(x, Int64(y))
        case (.float(let x), .float(let y)): return x.isNaN || y.isNaN ? nil : cmp(x, y)
        case (.double(let x), .double(let y)): return x.isNaN || y.isNaN ? nil : cmp(x, y)
        case (.decimal(let x), .decimal(let y)): return cmp(x, y)
        case (.string(let x), .string(let y)):
            // Unsigned byte order of UTF-8, which is code point order.
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x == y ? 0 : 1)
        case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }
}

extension DecimalValues {
    /// The minimum number of big-endian two's complement bytes holding `v`.
    public static func minimalBytes(_ v: Int128) -> [UInt8] {
        var width = 1
        while width < 16 {
            let bits = 8 * width - 1
            let limit = Int128(1) << bits
            if v >= -limit && v < limit { break }
            width += 1
        }
        return bytes(v, width: width)
    }
}

extension Literal {
    /// Parses a value in the JSON single-value convention for a primitive type.
    public static func from(json: JSONValue, type: IcebergType) throws -> Literal? {
        if case .null = json { return nil }
        func fail(_ what: String) -> IcebergError {
            .invalidValue(row: nil, field: "", detail: "expected \(what), got \(json.serialized())")
        }
        func text() throws -> String {
            guard case .string(let s) = json else { throw fail("a string") }
            return s
        }
        func floating() throws -> Double {
            switch json {
            case .int(let i): return Double(i)
            case .double(let d): return d
            case .string("NaN"): return .nan
            case .string("Infinity"): return .infinity
            case .string("-Infinity"): return -.infinity
            case .string(let text):
                if let d = Double(text) { return d }
                throw fail("a number")
            default: throw fail("a number")
            }
        }
        do {
            switch type {
            case .unknown, .variant, .geometry, .geography:
                throw fail("no value (\(type) values have no JSON literal form here)")
            case .boolean:
                guard case .bool(let b) = json else { throw fail("a boolean") }
                return .boolean(b)
            case .int:
                guard case .int(let i) = json, let v = Int32(exactly: i) else { throw fail("a 32-bit integer") }
                return .int(v)
            case .long:
                guard case .int(let i) = json else { throw fail("an integer") }
                return .long(i)
            case .float: return .float(Float(try floating()))
            case .double: return .double(try floating())
            case .decimal(let p, let s):
                let t: String
                switch json {
                case .string(let x): t = x
                case .int(let i): t = String(i)
                case .double(let d): t = String(d)
                default: throw fail("a decimal")
                }
                return .decimal(try DecimalValues.parse(t, precision: p, scale: s))
            case .date: return .int(try TemporalValues.parseDate(try text()))
            case .time: return .long(try TemporalValues.parseTime(try text(), unitsPerSecond: 1_000_000))
            case .timestamp:
                return .long(try TemporalValues.parseTimestamp(try text(), unitsPerSecond: 1_000_000, withZone: false))
            case .timestamptz:
                return .long(try TemporalValues.parseTimestamp(try text(), unitsPerSecond: 1_000_000, withZone: true))
            case .timestampNs:
                return .long(
                    try TemporalValues.parseTimestamp(try text(), unitsPerSecond: 1_000_000_000, withZone: false))
            case .timestamptzNs:
                return .long(
                    try TemporalValues.parseTimestamp(try text(), unitsPerSecond: 1_000_000_000, withZone: true))
            case .string: return .string(try text())
            case .uuid:
                guard let b = ByteText.parseUUID(try text()) else { throw fail("a UUID") }
                return .bytes(b)
            case .fixed(let l):
                guard let b = ByteText.parseHex(try text()), b.count == l else { throw fail("\(l) hex-encoded bytes") }
                return .bytes(b)
            case .binary:
                guard let b = ByteText.parseHex(try text()) else { throw fail("hex-encoded bytes") }
                return .bytes(b)
            case .struct, .list, .map: throw fail("a primitive value")
            }
        } catch let e as IcebergError {
            throw e
        } catch {
            throw IcebergError.invalidValue(row: nil, field: "", detail: "\(error)")
        }
    }
}
