import JSONSupport

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Converts `Encodable` values to rows in the JSON value convention of a table schema — the
/// convenience path for appending Swift structs. `Date` fills date and timestamp columns,
/// `Decimal` decimal columns, `UUID` uuid columns, `Data` or `[UInt8]` binary and fixed
/// columns, dictionaries map columns, arrays list columns and nested structs struct columns.
public struct RowEncoder: Sendable {
    /// The table schema rows are shaped for.
    public let schema: Schema

    /// Creates an encoder for a schema.
    public init(schema: Schema) { self.schema = schema }

    /// Encodes one value as a row object.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let slot = Slot()
        try value.encode(to: TreeEncoder(slot: slot, codingPath: []))
        let tree = slot.json
        guard case .object = tree else {
            throw IcebergError.invalidValue(
                row: nil, field: "", detail: "\(T.self) does not encode as an object with the table's fields")
        }
        return RowShape.conform(tree, to: .struct(StructType(schema.fields)))
    }
}

/// Converts rows in the JSON value convention back to `Decodable` values — the convenience
/// path for reading scans into Swift structs (see `RowEncoder` for the type mapping).
public struct RowDecoder: Sendable {
    /// The schema of the rows.
    public let schema: Schema

    /// Creates a decoder for a schema.
    public init(schema: Schema) { self.schema = schema }

    /// Decodes one row.
    public func decode<T: Decodable>(_ type: T.Type, from row: JSONValue) throws -> T {
        let natural = RowShape.naturalize(row, from: .struct(StructType(schema.fields)))
        return try T(from: TreeDecoder(value: natural, codingPath: []))
    }
}

extension ColumnBatch {
    /// The rows decoded as values of a `Decodable` type whose properties are named after the
    /// projection's fields.
    public func rows<T: Decodable>(as type: T.Type) throws -> [T] {
        let decoder = RowDecoder(schema: schema)
        return try jsonRows().map { try decoder.decode(T.self, from: $0) }
    }
}

extension TableWriter {
    /// Appends `Encodable` values as rows; `firstRowNumber` numbers them in error messages.
    public mutating func append<T: Encodable>(contentsOf values: [T], firstRowNumber: Int = 1) async throws {
        let encoder = RowEncoder(schema: schema)
        for (i, v) in values.enumerated() {
            let row: JSONValue
            do { row = try encoder.encode(v) } catch let e as EncodingError {
                throw IcebergError.invalidValue(row: firstRowNumber + i, field: "", detail: "cannot encode: \(e)")
            }
            try await append(row, rowNumber: firstRowNumber + i)
        }
    }
}

/// Moves between what Swift's coding produces (dates as timestamps, dictionaries as objects,
/// bytes as arrays) and the table's JSON value convention, guided by the field types.
enum RowShape {
    static func conform(_ value: JSONValue, to type: IcebergType) -> JSONValue {
        switch (value, type) {
        case (.object(let pairs), .struct(let st)):
            // Schema order; optionals that encoded as absent become explicit nulls.
            var out: [(String, JSONValue)] = st.fields.map { f in
                (f.name, pairs.first { $0.0 == f.name }.map { conform($0.1, to: f.type) } ?? .null)
            }
            out += pairs.filter { key, _ in !st.fields.contains { $0.name == key } }
            return .object(out)
        case (.array(let items), .list(let l)):
            return .array(items.map { conform($0, to: l.element) })
        case (.object(let pairs), .map(let m)):
            if pairs.count == 2, pairs[0].0 == "keys", pairs[1].0 == "values", case .array = pairs[0].1 { return value }
            return .object([
                ("keys", .array(pairs.map { mapKey($0.0, m.key) })),
                ("values", .array(pairs.map { conform($0.1, to: m.value) })),
            ])
        case (.array(let flat), .map(let m)):
            // Dictionaries with other key types encode as [key, value, key, value, …].
            let keys = stride(from: 0, to: flat.count - 1, by: 2).map { conform(flat[$0], to: m.key) }
            let values = stride(from: 1, to: flat.count, by: 2).map { conform(flat[$0], to: m.value) }
            return .object([("keys", .array(keys)), ("values", .array(values))])
        case (.string(let s), .date):
            guard let micros = try? TemporalValues.parseTimestamp(s, unitsPerSecond: 1_000_000, withZone: true) else {
                return value
            }
            return .string(TemporalValues.formatDate(Int(Transform.floorDiv(micros, 86_400_000_000))))
        case (.string(let s), .timestamp), (.string(let s), .timestampNs):
            let units: Int64 = type == .timestamp ? 1_000_000 : 1_000_000_000
            guard let t = try? TemporalValues.parseTimestamp(s, unitsPerSecond: units, withZone: true) else {
                return value
            }
            return .string(TemporalValues.formatTimestamp(t, unitsPerSecond: units, utc: false))
        case (.array(let bytes), .binary), (.array(let bytes), .fixed), (.array(let bytes), .uuid):
            let raw = bytes.compactMap { $0.intValue.flatMap { UInt8(exactly: $0) } }
            guard raw.count == bytes.count else { return value }
            return .string(type == .uuid ? ByteText.uuid(raw) : ByteText.hex(raw))
        default:
            return value
        }
    }

    static func mapKey(_ key: String, _ type: IcebergType) -> JSONValue {
        switch type {
        case .int, .long: return Int64(key).map { .int($0) } ?? .string(key)
        default: return .string(key)
        }
    }

    static func naturalize(_ value: JSONValue, from type: IcebergType) -> JSONValue {
        switch (value, type) {
        case (.object(let pairs), .struct(let st)):
            return .object(
                pairs.map { key, v in
                    (key, st.fields.first { $0.name == key }.map { naturalize(v, from: $0.type) } ?? v)
                })
        case (.array(let items), .list(let l)):
            return .array(items.map { naturalize($0, from: l.element) })
        case (.object, .map(let m)):
            let keys = value["keys"]?.arrayValue ?? []
            let values = value["values"]?.arrayValue ?? []
            switch m.key {
            case .string, .int, .long:
                return .object(
                    zip(keys, values).map { k, v in
                        (k.stringValue ?? k.intValue.map(String.init) ?? k.serialized(), naturalize(v, from: m.value))
                    })
            default:
                return .array(
                    zip(keys, values).flatMap { k, v in [naturalize(k, from: m.key), naturalize(v, from: m.value)] })
            }
        case (.string(let s), .binary), (.string(let s), .fixed):
            return ByteText.parseHex(s).map { .array($0.map { .int(Int64($0)) }) } ?? value
        default:
            return value
        }
    }
}

/// A node of the tree an encoding builds.
private final class Slot {
    enum Content {
        case empty
        case value(JSONValue)
        case object([(String, Slot)])
        case array([Slot])
    }
    var content = Content.empty

    var json: JSONValue {
        switch content {
        case .empty: return .null
        case .value(let v): return v
        case .object(let pairs): return .object(pairs.map { ($0.0, $0.1.json) })
        case .array(let items): return .array(items.map(\.json))
        }
    }

    func child(forKey key: String) -> Slot {
        if case .object(var pairs) = content {
            if let existing = pairs.first(where: { $0.0 == key }) { return existing.1 }
            let s = Slot()
            pairs.append((key, s))
            content = .object(pairs)
            return s
        }
        let s = Slot()
        content = .object([(key, s)])
        return s
    }

    func appendChild() -> Slot {
        let s = Slot()
        if case .array(var items) = content {
            items.append(s)
            content = .array(items)
        } else {
            content = .array([s])
        }
        return s
    }
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = slot.content {} else { slot.content = .object([]) }
        return KeyedEncodingContainer(KeyedSlots<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = slot.content {} else { slot.content = .array([]) }
        return UnkeyedSlots(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleSlot(slot: slot, codingPath: codingPath) }

    /// Encodes a value into a slot, with the special forms for Foundation types.
    static func encode<T: Encodable>(_ value: T, into slot: Slot, path: [any CodingKey]) throws {
        switch value {
        case let d as Date:
            let micros = Int64((d.timeIntervalSince1970 * 1_000_000).rounded())
            slot.content = .value(.string(TemporalValues.formatTimestamp(micros, unitsPerSecond: 1_000_000, utc: true)))
        case let d as Decimal: slot.content = .value(.string(d.description))
        case let u as UUID: slot.content = .value(.string(u.uuidString.lowercased()))
        case let b as Data: slot.content = .value(.array(b.map { .int(Int64($0)) }))
        default: try value.encode(to: TreeEncoder(slot: slot, codingPath: path))
        }
    }

    static func number<T: BinaryInteger>(_ v: T, _ path: [any CodingKey]) throws -> JSONValue {
        guard let i = Int64(exactly: v) else {
            throw EncodingError.invalidValue(
                v, .init(codingPath: path, debugDescription: "\(v) does not fit in a 64-bit integer"))
        }
        return .int(i)
    }
}

private struct KeyedSlots<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { slot.child(forKey: key.stringValue).content = .value(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.bool(value))
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.string(value))
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.double(value))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.double(Double(value)))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: Int16, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: Int32, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(value))
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(try TreeEncoder.number(value, codingPath + [key]))
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(.int(Int64(value)))
    }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        slot.child(forKey: key.stringValue).content = .value(try TreeEncoder.number(value, codingPath + [key]))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try TreeEncoder.encode(value, into: slot.child(forKey: key.stringValue), path: codingPath + [key])
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        TreeEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key]).container(
            keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        TreeEncoder(slot: slot.child(forKey: "super"), codingPath: codingPath)
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ i: Int) {
        stringValue = "\(i)"
        intValue = i
    }
    init?(stringValue: String) {
        self.stringValue = stringValue
        intValue = Int(stringValue)
    }
    init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedSlots: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let a) = slot.content { return a.count }
        return 0
    }

    mutating func encodeNil() throws { slot.appendChild().content = .value(.null) }
    mutating func encode(_ value: Bool) throws { slot.appendChild().content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.appendChild().content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.appendChild().content = .value(.double(value)) }
    mutating func encode(_ value: Float) throws { slot.appendChild().content = .value(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { slot.appendChild().content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { slot.appendChild().content = .value(.int(value)) }
    mutating func encode(_ value: UInt8) throws { slot.appendChild().content = .value(.int(Int64(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(count)]
        try TreeEncoder.encode(value, into: slot.appendChild(), path: path)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let path = codingPath + [IndexKey(count)]
        return TreeEncoder(slot: slot.appendChild(), codingPath: path).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        return TreeEncoder(slot: slot.appendChild(), codingPath: path).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.appendChild(), codingPath: codingPath) }
}

private struct SingleSlot: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode(_ value: Bool) throws { slot.content = .value(.bool(value)) }
    mutating func encode(_ value: String) throws { slot.content = .value(.string(value)) }
    mutating func encode(_ value: Double) throws { slot.content = .value(.double(value)) }
    mutating func encode(_ value: Float) throws { slot.content = .value(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int8) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int16) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int32) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: Int64) throws { slot.content = .value(.int(value)) }
    mutating func encode(_ value: UInt) throws { slot.content = .value(try TreeEncoder.number(value, codingPath)) }
    mutating func encode(_ value: UInt8) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { slot.content = .value(.int(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { slot.content = .value(try TreeEncoder.number(value, codingPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try TreeEncoder.encode(value, into: slot, path: codingPath)
    }
}

private struct TreeDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(
            Any.self,
            .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.serialized())"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let pairs) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedValues<Key>(pairs: pairs, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return UnkeyedValues(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self) }

    /// Decodes a value, with the special forms for Foundation types.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard case .string(let s) = value else { throw mismatch("a date or timestamp") }
            let micros =
                (try? TemporalValues.parseTimestamp(s, unitsPerSecond: 1_000_000, withZone: true))
                ?? (try? TemporalValues.parseTimestamp(s, unitsPerSecond: 1_000_000, withZone: false))
                ?? (try? Int64(TemporalValues.parseDate(s)) * 86_400_000_000)
            guard let m = micros else { throw mismatch("a date or timestamp") }
            return Date(timeIntervalSince1970: Double(m) / 1_000_000) as! T
        }
        if T.self == Decimal.self {
            let text: String
            switch value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .double(let d): text = String(d)
            default: throw mismatch("a decimal")
            }
            guard let d = Decimal(string: text) else { throw mismatch("a decimal") }
            return d as! T
        }
        if T.self == UUID.self {
            guard case .string(let s) = value, let u = UUID(uuidString: s) else { throw mismatch("a UUID") }
            return u as! T
        }
        if T.self == Data.self {
            guard case .array(let items) = value else { throw mismatch("bytes") }
            let bytes = items.compactMap { $0.intValue.flatMap { UInt8(exactly: $0) } }
            guard bytes.count == items.count else { throw mismatch("bytes") }
            return Data(bytes) as! T
        }
        return try T(from: self)
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .int(let i) = value, let v = T(exactly: i) else { throw mismatch("an integer that fits \(T.self)") }
        return v
    }

    func floating() throws -> Double {
        switch value {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw mismatch("a number")
        }
    }
}

private struct KeyedValues<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let pairs: [(String, JSONValue)]
    let codingPath: [any CodingKey]
    var allKeys: [Key] { pairs.compactMap { Key(stringValue: $0.0) } }

    func contains(_ key: Key) -> Bool { pairs.contains { $0.0 == key.stringValue } }

    func child(_ key: Key) throws -> TreeDecoder {
        guard let v = pairs.first(where: { $0.0 == key.stringValue })?.1 else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no field '\(key.stringValue)' in the row"))
        }
        return TreeDecoder(value: v, codingPath: codingPath + [key])
    }

    func decodeNil(forKey key: Key) throws -> Bool { (pairs.first { $0.0 == key.stringValue }?.1 ?? .null) == .null }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(type) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).singleValue().decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).singleValue().decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).floating() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try child(key).floating()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).integer(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).integer(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).integer(type) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { TreeDecoder(value: .object(pairs), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedValues: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next() throws -> TreeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: codingPath, debugDescription: "array has only \(items.count) elements"))
        }
        defer { currentIndex += 1 }
        return TreeDecoder(value: items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
        NestedKey
    > {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValue: SingleValueDecodingContainer {
    let decoder: TreeDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let b) = decoder.value else { throw decoder.mismatch("a boolean") }
        return b
    }
    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = decoder.value else { throw decoder.mismatch("a string") }
        return s
    }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floating() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.floating()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(type) }
}

extension TreeDecoder {
    fileprivate func singleValue() -> SingleValue { SingleValue(decoder: self) }
}
