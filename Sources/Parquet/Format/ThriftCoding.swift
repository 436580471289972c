import ThriftCompact

// The parquet.thrift structures in Thrift compact form. Each struct's fields are declared
// once, in ParquetThrift.fields, and scripts/generate-thrift.py writes their encoders and
// decoders (ThriftCoding+Fields.swift). Here: the reader helpers, the unions (TimeUnit,
// LogicalType, ColumnOrder) and the entry points of the top-level structures.

extension CompactReader {
    mutating func readEnum<E: RawRepresentable>(_: E.Type, _ what: String) throws(ThriftError) -> E
    where E.RawValue == Int32 {
        let raw = try readI32()
        guard let value = E(rawValue: raw) else { throw .invalidValue("unknown \(what) \(raw)") }
        return value
    }

    /// A list of `elementType` elements, or nil when the list holds another type (it is then
    /// skipped, as Thrift skips a field of an unexpected type).
    mutating func readList<T>(of elementType: CompactType, _ read: (inout CompactReader) throws(ThriftError) -> T)
        throws(ThriftError) -> [T]?
    {
        guard let count = try readListHeader(expecting: elementType) else { return nil }
        var out: [T] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try read(&self)) }
        return out
    }

    /// A list header's count, or nil (the list skipped) when its elements are not of
    /// `elementType`; an empty list matches any type, and booleans either boolean type.
    mutating func readListHeader(expecting elementType: CompactType) throws(ThriftError) -> Int? {
        let (type, count) = try readListHeader()
        func normal(_ t: CompactType) -> CompactType { t == .boolFalse ? .boolTrue : t }
        guard count == 0 || normal(type) == normal(elementType) else {
            try skipElements(type, count: count)
            return nil
        }
        return count
    }

    /// Reads a struct whose fields are dispatched to `body`; `body` returns false for unknown ids.
    mutating func readStruct(_ body: (inout CompactReader, Int16, CompactType) throws(ThriftError) -> Bool)
        throws(ThriftError)
    {
        try beginStruct()
        while let (id, type) = try readFieldHeader() {
            if !(try body(&self, id, type)) { try skip(type) }
        }
        endStruct()
    }
}

@inline(__always)
func require<T>(_ value: T?, _ structName: String, _ field: String) throws(ThriftError) -> T {
    guard let v = value else { throw .missingField(structName: structName, field: field) }
    return v
}

/// `DecimalType` of parquet.thrift (a member of the `LogicalType` union).
struct DecimalTypeFields {
    var scale: Int32
    var precision: Int32
}

/// `TimeType` and `TimestampType` of parquet.thrift (the same fields).
struct TimeTypeFields {
    var isAdjustedToUTC: Bool
    var unit: TimeUnit
}

/// `IntType` of parquet.thrift.
struct IntTypeFields {
    var bitWidth: Int8
    var isSigned: Bool
}

extension TimeUnit {
    /// The union's members by field id (each an empty struct).
    static let members: [(id: Int16, unit: TimeUnit)] = [(1, .millis), (2, .micros), (3, .nanos)]

    /// Writes the union.
    static func writeUnion(_ unit: TimeUnit, to w: inout CompactWriter) {
        w.beginStruct()
        w.beginStructField(members.first { $0.unit == unit }?.id ?? 2)
        w.endStruct()
        w.endStruct()
    }

    /// Reads the union.
    static func readUnion(from r: inout CompactReader) throws(ThriftError) -> TimeUnit {
        var unit: TimeUnit?
        try r.readStruct { (r, id, type) throws(ThriftError) in
            guard let member = members.first(where: { $0.id == id }) else { return false }
            unit = member.unit
            try r.skip(type)
            return true
        }
        return try require(unit, "TimeUnit", "unit")
    }
}

extension LogicalType {
    /// The union's members that are empty structs, by field id.
    static let emptyMembers: [(id: Int16, type: LogicalType)] = [
        (1, .string), (2, .map), (3, .list), (4, .enum), (6, .date), (11, .unknown), (12, .json), (13, .bson),
        (14, .uuid), (15, .float16), (16, .variant),
    ]

    /// Writes the union.
    static func writeUnion(_ type: LogicalType, to w: inout CompactWriter) {
        w.beginStruct()
        switch type {
        case .decimal(let p, let s):
            w.writeFieldHeader(5, .struct)
            DecimalTypeFields(scale: s, precision: p).write(to: &w)
        case .time(let utc, let unit):
            w.writeFieldHeader(7, .struct)
            TimeTypeFields(isAdjustedToUTC: utc, unit: unit).write(to: &w)
        case .timestamp(let utc, let unit):
            w.writeFieldHeader(8, .struct)
            TimeTypeFields(isAdjustedToUTC: utc, unit: unit).write(to: &w)
        case .integer(let bits, let signed):
            w.writeFieldHeader(10, .struct)
            IntTypeFields(bitWidth: bits, isSigned: signed).write(to: &w)
        case .other(let id):
            w.beginStructField(id)
            w.endStruct()
        default:
            w.beginStructField(emptyMembers.first { $0.type == type }?.id ?? 1)
            w.endStruct()
        }
        w.endStruct()
    }

    /// Reads the union; a member this reader does not know is `.other` with its field id.
    static func readUnion(from r: inout CompactReader) throws(ThriftError) -> LogicalType {
        var result: LogicalType?
        try r.readStruct { (r, id, type) throws(ThriftError) in
            switch id {
            case 5:
                let d = try DecimalTypeFields(from: &r)
                result = .decimal(precision: d.precision, scale: d.scale)
            case 7, 8:
                let t = try TimeTypeFields(from: &r)
                result =
                    id == 7
                    ? .time(isAdjustedToUTC: t.isAdjustedToUTC, unit: t.unit)
                    : .timestamp(isAdjustedToUTC: t.isAdjustedToUTC, unit: t.unit)
            case 10:
                let i = try IntTypeFields(from: &r)
                result = .integer(bitWidth: i.bitWidth, isSigned: i.isSigned)
            default:
                try r.skip(type)
                result = emptyMembers.first { $0.id == id }?.type ?? .other(fieldId: id)
            }
            return true
        }
        return try require(result, "LogicalType", "a member")
    }
}

/// The `ColumnOrder` union of a footer: true for `TYPE_ORDER`, the one member defined.
enum ColumnOrder {
    /// Writes `TYPE_ORDER` (what every column of this writer uses).
    static func writeUnion(_: Bool, to w: inout CompactWriter) {
        w.beginStruct()
        w.beginStructField(1)  // TYPE_ORDER: TypeDefinedOrder
        w.endStruct()
        w.endStruct()
    }

    /// Reads the union: whether it is `TYPE_ORDER`.
    static func readUnion(from r: inout CompactReader) throws(ThriftError) -> Bool {
        var typeDefined = false
        try r.readStruct { (r, id, type) throws(ThriftError) in
            if id == 1 { typeDefined = true }
            try r.skip(type)
            return true
        }
        return typeDefined
    }
}

extension PageHeader {
    /// Serializes the page header.
    public func serialized(into w: inout CompactWriter) {
        writeFields(to: &w)
        w.endStruct()
    }
}
