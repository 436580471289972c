import Avro
import JSONSupport

/// Iceberg ↔ Avro conversions used for manifests (the spec's Avro appendix).
enum IcebergAvro {
    /// The Avro schema of an Iceberg type.
    static func schema(_ type: IcebergType, recordName: String) -> AvroSchema {
        func logical(_ p: AvroPrimitive, _ pairs: [(String, JSONValue)]) -> AvroSchema {
            .primitive(p, attributes: AvroAttributes(pairs))
        }
        switch type {
        case .boolean: return .of(.boolean)
        case .int: return .of(.int)
        case .long: return .of(.long)
        case .float: return .of(.float)
        case .double: return .of(.double)
        case .date: return logical(.int, [("logicalType", .string("date"))])
        case .time: return logical(.long, [("logicalType", .string("time-micros"))])
        case .timestamp:
            return logical(.long, [("logicalType", .string("timestamp-micros")), ("adjust-to-utc", .bool(false))])
        case .timestamptz:
            return logical(.long, [("logicalType", .string("timestamp-micros")), ("adjust-to-utc", .bool(true))])
        case .timestampNs:
            return logical(.long, [("logicalType", .string("timestamp-nanos")), ("adjust-to-utc", .bool(false))])
        case .timestamptzNs:
            return logical(.long, [("logicalType", .string("timestamp-nanos")), ("adjust-to-utc", .bool(true))])
        case .string: return .of(.string)
        case .binary, .variant, .geometry, .geography: return .of(.bytes)
        case .unknown: return .of(.null)
        case .uuid:
            return .fixed(
                name: "uuid_fixed", namespace: nil, size: 16,
                attributes: AvroAttributes([("logicalType", .string("uuid"))]))
        case .fixed(let l):
            return .fixed(name: "fixed_\(l)_\(recordName)", namespace: nil, size: l, attributes: AvroAttributes())
        case .decimal(let p, let s):
            return .fixed(
                name: "decimal_\(p)_\(s)_\(recordName)", namespace: nil, size: IcebergType.decimalBytes(precision: p),
                attributes: AvroAttributes([
                    ("logicalType", .string("decimal")), ("precision", .int(Int64(p))), ("scale", .int(Int64(s))),
                ]))
        case .struct(let st):
            return .record(
                AvroRecord(
                    name: recordName,
                    fields: st.fields.map { f in
                        let inner = schema(f.type, recordName: "r\(f.id)")
                        return AvroField(
                            name: f.name, type: f.required ? inner : .optional(inner),
                            defaultValue: f.required ? nil : .null,
                            attributes: AvroAttributes([("field-id", .int(Int64(f.id)))]))
                    }))
        case .list(let l):
            let inner = schema(l.element, recordName: "r\(l.elementId)")
            return .array(
                items: l.elementRequired ? inner : .optional(inner),
                attributes: AvroAttributes([("element-id", .int(Int64(l.elementId)))]))
        case .map(let m):
            let value = schema(m.value, recordName: "r\(m.valueId)")
            return .array(
                items: .record(
                    AvroRecord(
                        name: "k\(m.keyId)_v\(m.valueId)",
                        fields: [
                            AvroField(
                                name: "key", type: schema(m.key, recordName: "r\(m.keyId)"),
                                attributes: AvroAttributes([("field-id", .int(Int64(m.keyId)))])),
                            AvroField(
                                name: "value", type: m.valueRequired ? value : .optional(value),
                                attributes: AvroAttributes([("field-id", .int(Int64(m.valueId)))])),
                        ])), attributes: AvroAttributes([("logicalType", .string("map"))]))
        }
    }

    /// The Avro value of a literal of an Iceberg type (nil → null).
    static func value(_ literal: Literal?, _ type: IcebergType) -> AvroValue {
        guard let literal else { return .null }
        switch (literal, type) {
        case (.decimal(let u), .decimal(let p, _)):
            return .fixed(DecimalValues.bytes(u, width: IcebergType.decimalBytes(precision: p)))
        case (.bytes(let b), .uuid), (.bytes(let b), .fixed): return .fixed(b)
        case (.bytes(let b), _): return .bytes(b)
        case (.boolean(let b), _): return .boolean(b)
        case (.int(let i), _): return .int(i)
        case (.long(let l), _): return .long(l)
        case (.float(let f), _): return .float(f)
        case (.double(let d), _): return .double(d)
        case (.string(let s), _): return .string(s)
        case (.decimal(let u), _): return .bytes(DecimalValues.minimalBytes(u))
        }
    }

    /// The literal of an Avro value read for an Iceberg type.
    static func literal(_ value: AvroValue, _ type: IcebergType) -> Literal? {
        switch (value.unwrapped, type) {
        case (.null, _): return nil
        case (.boolean(let b), _): return .boolean(b)
        case (.int(let i), .long), (.int(let i), .time), (.int(let i), .timestamp), (.int(let i), .timestamptz):
            return .long(Int64(i))
        case (.int(let i), _): return .int(i)
        case (.long(let l), .int), (.long(let l), .date): return .int(Int32(truncatingIfNeeded: l))
        case (.long(let l), _): return .long(l)
        case (.float(let f), .double): return .double(Double(f))
        case (.float(let f), _): return .float(f)
        case (.double(let d), _): return .double(d)
        case (.string(let s), _): return .string(s)
        case (.fixed(let b), .decimal), (.bytes(let b), .decimal):
            return DecimalValues.unscaled(fromBigEndian: b).map { .decimal($0) }
        case (.fixed(let b), _), (.bytes(let b), _): return .bytes(b)
        default: return nil
        }
    }
}

/// Field access by Iceberg field id (falling back to name) on a decoded Avro record.
/// Field positions of Avro record schemas by Iceberg field id and by name, computed once per
/// record schema of a file (record names are unique within an Avro schema).
final class AvroFieldPositions {
    struct Positions {
        var byId: [Int: Int] = [:]
        var byName: [String: Int] = [:]
    }
    private var byRecord: [String: Positions] = [:]

    func positions(_ record: AvroRecord) -> Positions {
        let key = (record.namespace.map { $0 + "." } ?? "") + record.name
        if let p = byRecord[key] { return p }
        var p = Positions()
        for (i, f) in record.fields.enumerated() {
            if let id = f.fieldId, p.byId[id] == nil { p.byId[id] = i }
            if p.byName[f.name] == nil { p.byName[f.name] = i }
        }
        byRecord[key] = p
        return p
    }
}

/// One Avro record value with lookups of its fields by Iceberg field id, then by name.
struct AvroRecordView {
    let schema: AvroRecord
    let values: [AvroValue]
    private let positions: AvroFieldPositions.Positions
    private let memo: AvroFieldPositions

    init?(_ schema: AvroSchema, _ value: AvroValue, positions memo: AvroFieldPositions = AvroFieldPositions()) {
        var s = schema
        var v = value.unwrapped
        if case .union(let branches) = schema, case .union(let i, let inner) = value {
            s = branches[i]
            v = inner.unwrapped
        }
        guard case .record(let r) = s, case .record(let vs) = v, r.fields.count == vs.count else { return nil }
        self.schema = r
        values = vs
        self.memo = memo
        positions = memo.positions(r)
    }

    /// The value and schema of a field, by field id first, then by name.
    func field(_ id: Int, _ name: String) -> (AvroValue, AvroSchema)? {
        guard let i = positions.byId[id] ?? positions.byName[name] else { return nil }
        return (values[i], schema.fields[i].type)
    }

    /// A nested record field, sharing this view's position memo.
    func record(_ id: Int, _ name: String) -> AvroRecordView? {
        guard let (v, s) = field(id, name) else { return nil }
        return AvroRecordView(s, v, positions: memo)
    }

    func long(_ id: Int, _ name: String) -> Int64? {
        guard let (v, _) = field(id, name) else { return nil }
        switch v.unwrapped {
        case .long(let l): return l
        case .int(let i): return Int64(i)
        default: return nil
        }
    }

    func string(_ id: Int, _ name: String) -> String? {
        guard let (v, _) = field(id, name), case .string(let s) = v.unwrapped else { return nil }
        return s
    }

    func bytes(_ id: Int, _ name: String) -> [UInt8]? {
        guard let (v, _) = field(id, name) else { return nil }
        switch v.unwrapped {
        case .bytes(let b), .fixed(let b): return b
        default: return nil
        }
    }

    func bool(_ id: Int, _ name: String) -> Bool? {
        guard let (v, _) = field(id, name), case .boolean(let b) = v.unwrapped else { return nil }
        return b
    }

    /// A `map<int, X>` stored as an array of key/value records (or an Avro map with string keys).
    func intKeyedMap(_ id: Int, _ name: String) -> [(Int, AvroValue)]? {
        guard let (v, _) = field(id, name) else { return nil }
        switch v.unwrapped {
        case .array(let items):
            return items.compactMap { item in
                guard case .record(let kv) = item.unwrapped, kv.count == 2, case .int(let k) = kv[0].unwrapped else {
                    return nil
                }
                return (Int(k), kv[1].unwrapped)
            }
        case .map(let entries):
            return entries.compactMap { e in Int(e.key).map { ($0, e.value.unwrapped) } }
        default:
            return nil
        }
    }
}
