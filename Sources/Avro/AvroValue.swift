/// A value of some Avro schema (generic representation, for metadata-sized data).
public enum AvroValue: Sendable, Hashable {
    /// `null`.
    case null
    /// A boolean.
    case boolean(Bool)
    /// An int.
    case int(Int32)
    /// A long.
    case long(Int64)
    /// A float.
    case float(Float)
    /// A double.
    case double(Double)
    /// Bytes.
    case bytes([UInt8])
    /// A string.
    case string(String)
    /// A record: one value per field, in schema order.
    case record([AvroValue])
    /// An enum symbol by index.
    case enumeration(Int)
    /// An array.
    case array([AvroValue])
    /// A map with string keys, in encounter order.
    case map([AvroMapEntry])
    /// A fixed-size byte string.
    case fixed([UInt8])
    /// A union branch and its value.
    indirect case union(branch: Int, AvroValue)

    /// The value inside a union (or the value itself).
    public var unwrapped: AvroValue {
        if case .union(_, let v) = self { return v.unwrapped }
        return self
    }

    /// Whether this is null (directly or in a union).
    public var isNull: Bool {
        if case .null = unwrapped { return true }
        return false
    }
}

/// One key/value pair of an Avro map.
public struct AvroMapEntry: Sendable, Hashable {
    /// The key.
    public var key: String
    /// The value.
    public var value: AvroValue
    /// Creates an entry.
    public init(key: String, value: AvroValue) {
        self.key = key
        self.value = value
    }
}

/// Avro binary encoding.
public enum AvroBinary {
    /// Appends the encoding of `value` (which must match `schema`) to `out`.
    public static func encode(_ value: AvroValue, _ schema: AvroSchema, into out: inout [UInt8]) throws {
        switch (schema, value) {
        case (.primitive(.null, _), .null): break
        case (.primitive(.boolean, _), .boolean(let b)): out.append(b ? 1 : 0)
        case (.primitive(.int, _), .int(let i)): writeLong(Int64(i), &out)
        case (.primitive(.long, _), .long(let l)): writeLong(l, &out)
        case (.primitive(.long, _), .int(let i)): writeLong(Int64(i), &out)
        case (.primitive(.float, _), .float(let f)): appendLE(f.bitPattern, &out)
        case (.primitive(.double, _), .double(let d)): appendLE(d.bitPattern, &out)
        case (.primitive(.bytes, _), .bytes(let b)):
            writeLong(Int64(b.count), &out)
            out.append(contentsOf: b)
        case (.primitive(.string, _), .string(let s)):
            let u = Array(s.utf8)
            writeLong(Int64(u.count), &out)
            out.append(contentsOf: u)
        case (.record(let r), .record(let values)):
            guard values.count == r.fields.count else {
                throw AvroError.valueMismatch(
                    "record \(r.name) has \(r.fields.count) fields, value has \(values.count)")
            }
            for (f, v) in zip(r.fields, values) {
                do { try encode(v, f.type, into: &out) } catch let e as AvroError {
                    throw AvroError.valueMismatch("\(r.name).\(f.name): \(e)")
                }
            }
        case (.enumeration(_, _, let symbols, _), .enumeration(let i)):
            guard i >= 0, i < symbols.count else { throw AvroError.valueMismatch("enum index \(i) out of range") }
            writeLong(Int64(i), &out)
        case (.array(let items, _), .array(let values)):
            if !values.isEmpty {
                writeLong(Int64(values.count), &out)
                for v in values { try encode(v, items, into: &out) }
            }
            out.append(0)
        case (.map(let valueSchema, _), .map(let entries)):
            if !entries.isEmpty {
                writeLong(Int64(entries.count), &out)
                for e in entries {
                    try encode(.string(e.key), .of(.string), into: &out)
                    try encode(e.value, valueSchema, into: &out)
                }
            }
            out.append(0)
        case (.fixed(let name, _, let size, _), .fixed(let b)):
            guard b.count == size else {
                throw AvroError.valueMismatch("fixed \(name) needs \(size) bytes, got \(b.count)")
            }
            out.append(contentsOf: b)
        case (.union(let branches), .union(let i, let v)):
            guard i >= 0, i < branches.count else { throw AvroError.valueMismatch("union branch \(i) out of range") }
            writeLong(Int64(i), &out)
            try encode(v, branches[i], into: &out)
        case (.union(let branches), _):
            // Pick the first branch that accepts the value.
            for (i, b) in branches.enumerated() where accepts(b, value) {
                writeLong(Int64(i), &out)
                try encode(value, b, into: &out)
                return
            }
            throw AvroError.valueMismatch("no union branch accepts \(value)")
        default:
            throw AvroError.valueMismatch("\(value) is not a \(schema.json.serialized())")
        }
    }

    private static func accepts(_ schema: AvroSchema, _ value: AvroValue) -> Bool {
        switch (schema, value) {
        case (.primitive(.null, _), .null), (.primitive(.boolean, _), .boolean), (.primitive(.int, _), .int),
            (.primitive(.long, _), .long), (.primitive(.long, _), .int), (.primitive(.float, _), .float),
            (.primitive(.double, _), .double), (.primitive(.bytes, _), .bytes), (.primitive(.string, _), .string),
            (.record, .record), (.enumeration, .enumeration), (.array, .array), (.map, .map), (.fixed, .fixed):
            return true
        default:
            return false
        }
    }

    static func appendLE<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { out.append(contentsOf: $0) }
    }

    /// Appends a zigzag varint.
    public static func writeLong(_ v: Int64, _ out: inout [UInt8]) {
        var u = UInt64(bitPattern: (v << 1) ^ (v >> 63))
        while u >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: u) | 0x80)
            u >>= 7
        }
        out.append(UInt8(u))
    }

    /// Decodes one value of `schema` from `reader`.
    public static func decode(_ schema: AvroSchema, from reader: inout AvroReader) throws -> AvroValue {
        switch schema {
        case .primitive(let p, _):
            switch p {
            case .null: return .null
            case .boolean:
                let b = try reader.byte()
                guard b <= 1 else { throw AvroError.malformedData("boolean byte \(b) at \(reader.position - 1)") }
                return .boolean(b == 1)
            case .int:
                let v = try reader.long()
                guard let i = Int32(exactly: v) else {
                    throw AvroError.malformedData("int out of range at \(reader.position)")
                }
                return .int(i)
            case .long: return .long(try reader.long())
            case .float: return .float(Float(bitPattern: try reader.littleEndian(UInt32.self)))
            case .double: return .double(Double(bitPattern: try reader.littleEndian(UInt64.self)))
            case .bytes: return .bytes(try reader.lengthPrefixed())
            case .string: return .string(try reader.string())
            }
        case .record(let r):
            var values: [AvroValue] = []
            values.reserveCapacity(r.fields.count)
            for f in r.fields { values.append(try decode(f.type, from: &reader)) }
            return .record(values)
        case .enumeration(let name, _, let symbols, _):
            let i = try reader.long()
            guard i >= 0, i < symbols.count else {
                throw AvroError.malformedData("enum \(name) index \(i) out of range")
            }
            return .enumeration(Int(i))
        case .array(let items, _):
            var values: [AvroValue] = []
            try reader.blocks { reader in values.append(try decode(items, from: &reader)) }
            return .array(values)
        case .map(let valueSchema, _):
            var entries: [AvroMapEntry] = []
            try reader.blocks { reader in
                let key = try reader.string()
                entries.append(AvroMapEntry(key: key, value: try decode(valueSchema, from: &reader)))
            }
            return .map(entries)
        case .fixed(_, _, let size, _):
            return .fixed(try reader.bytes(size))
        case .union(let branches):
            let i = try reader.long()
            guard i >= 0, i < branches.count else {
                throw AvroError.malformedData("union branch \(i) out of range at \(reader.position)")
            }
            return .union(branch: Int(i), try decode(branches[Int(i)], from: &reader))
        }
    }
}

/// A bounds-checked reader of Avro binary data.
public struct AvroReader {
    /// The data.
    public let data: [UInt8]
    /// Current offset.
    public private(set) var position: Int
    private let end: Int
    /// Largest number of items accepted in one array or map.
    public var maxItems = 50_000_000
    /// Items (array elements, records of a block) a count may claim beyond one per byte left:
    /// items whose schema encodes to no bytes (a null, an empty record) exist, but not billions.
    static let maxZeroByteItems: Int64 = 1_000_000
    /// Zero-byte items this reader still accepts, in all its arrays and maps together (nested
    /// arrays of nulls would otherwise multiply their counts).
    public var zeroByteItemsLeft = AvroReader.maxZeroByteItems

    /// Creates a reader over `data[range]`.
    public init(_ data: [UInt8], range: Range<Int>? = nil) {
        self.data = data
        position = range?.lowerBound ?? 0
        end = range?.upperBound ?? data.count
    }

    /// Bytes left.
    public var remaining: Int { end - position }

    /// Reads one byte.
    public mutating func byte() throws -> UInt8 {
        guard position < end else { throw AvroError.malformedData("unexpected end of data at \(position)") }
        defer { position += 1 }
        return data[position]
    }

    /// Reads a zigzag varint long.
    public mutating func long() throws -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw AvroError.malformedData("varint longer than 10 bytes at \(position)") }
        }
        return Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)
    }

    mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let n = MemoryLayout<T>.size
        guard remaining >= n else { throw AvroError.malformedData("unexpected end of data at \(position)") }
        var v: T = 0
        for i in 0..<n { v |= T(data[position + i]) << (8 * i) }
        position += n
        return v
    }

    /// Reads exactly `n` bytes.
    public mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= remaining else {
            throw AvroError.malformedData("length \(n) at \(position) exceeds the \(remaining) bytes left")
        }
        defer { position += n }
        return Array(data[position..<position + n])
    }

    /// Reads Avro `bytes`: a length, then that many bytes.
    public mutating func lengthPrefixed() throws -> [UInt8] {
        try bytes(Int(try length()))
    }

    /// Reads an Avro `string` (UTF-8 checked).
    public mutating func string() throws -> String {
        let n = try length()
        defer { position += n }
        guard let s = String(validating: data[position..<position + n], as: UTF8.self) else {
            throw AvroError.malformedData("invalid UTF-8 string at \(position)")
        }
        return s
    }

    /// A length prefix that fits the bytes left.
    private mutating func length() throws -> Int {
        let n = try long()
        guard n >= 0, n <= Int64(remaining) else {
            throw AvroError.malformedData("length \(n) at \(position) exceeds the \(remaining) bytes left")
        }
        return Int(n)
    }

    /// Moves past one value of `schema` without building it.
    public mutating func skip(_ schema: AvroSchema) throws {
        switch schema {
        case .primitive(let p, _):
            switch p {
            case .null: break
            case .boolean: _ = try byte()
            case .int, .long: _ = try long()
            case .float: try advance(4)
            case .double: try advance(8)
            case .bytes, .string: try advance(try length())
            }
        case .record(let r):
            for f in r.fields { try skip(f.type) }
        case .enumeration: _ = try long()
        case .array(let items, _): try blocks { try $0.skip(items) }
        case .map(let values, _):
            try blocks { reader in
                try reader.advance(try reader.length())
                try reader.skip(values)
            }
        case .fixed(_, _, let size, _): try advance(size)
        case .union(let branches):
            let i = try long()
            guard i >= 0, i < branches.count else {
                throw AvroError.malformedData("union branch \(i) out of range at \(position)")
            }
            try skip(branches[Int(i)])
        }
    }

    private mutating func advance(_ n: Int) throws {
        guard n <= remaining else {
            throw AvroError.malformedData("length \(n) at \(position) exceeds the \(remaining) bytes left")
        }
        position += n
    }

    /// Reads the blocks of an array or map, calling `item` for each element.
    public mutating func blocks(_ item: (inout AvroReader) throws -> Void) throws {
        var total = 0
        while true {
            var count = try long()
            if count == 0 { return }
            if count < 0 {
                // A negative count is followed by the block's size in bytes; Int64.min has no
                // positive counterpart and becomes a count the limit below refuses.
                count = Int64(clamping: count.magnitude)
                _ = try long()
            }
            // Checked before adding, so that the sum cannot overflow.
            guard count <= Int64(maxItems - total) else {
                throw AvroError.malformedData("array or map with more than \(maxItems) items")
            }
            total += Int(count)
            for _ in 0..<count {
                let before = position
                try item(&self)
                // Zero-byte items cannot make progress through the data; cap how many we accept.
                if position == before {
                    zeroByteItemsLeft -= 1
                    guard zeroByteItemsLeft >= 0, count <= Int64(remaining) + Self.maxZeroByteItems else {
                        throw AvroError.malformedData("implausible item count \(count) at \(position)")
                    }
                }
            }
        }
    }
}
