import JSONSupport

/// An Avro schema (Avro 1.11 specification), with the extra JSON attributes that table
/// formats attach (`field-id`, `element-id`, `logicalType`, `adjust-to-utc`, …) kept in order.
public indirect enum AvroSchema: Sendable, Hashable {
    /// A primitive type with optional attributes (e.g. `logicalType`).
    case primitive(AvroPrimitive, attributes: AvroAttributes)
    /// A record with named fields.
    case record(AvroRecord)
    /// An enum of symbols.
    case enumeration(name: String, namespace: String?, symbols: [String], attributes: AvroAttributes)
    /// An array of items.
    case array(items: AvroSchema, attributes: AvroAttributes)
    /// A map with string keys.
    case map(values: AvroSchema, attributes: AvroAttributes)
    /// A fixed-size byte string.
    case fixed(name: String, namespace: String?, size: Int, attributes: AvroAttributes)
    /// A union of branches.
    case union([AvroSchema])

    /// A primitive without attributes.
    public static func of(_ p: AvroPrimitive) -> AvroSchema { .primitive(p, attributes: AvroAttributes()) }

    /// The optional form `["null", schema]` used for nullable fields.
    public static func optional(_ s: AvroSchema) -> AvroSchema { .union([.of(.null), s]) }

    /// The extra attributes of this schema (empty for unions).
    public var attributes: AvroAttributes {
        switch self {
        case .primitive(_, let a), .enumeration(_, _, _, let a), .array(_, let a), .map(_, let a),
            .fixed(_, _, _, let a):
            return a
        case .record(let r): return r.attributes
        case .union: return AvroAttributes()
        }
    }

    /// The full name of a named type (record, enum, fixed).
    public var fullName: String? {
        switch self {
        case .record(let r): return r.namespace.map { "\($0).\(r.name)" } ?? r.name
        case .enumeration(let n, let ns, _, _), .fixed(let n, let ns, _, _): return ns.map { "\($0).\(n)" } ?? n
        default: return nil
        }
    }
}

/// Avro primitive types.
public enum AvroPrimitive: String, Sendable, Hashable, CaseIterable {
    /// No value.
    case null
    /// A boolean.
    case boolean
    /// 32-bit zigzag varint.
    case int
    /// 64-bit zigzag varint.
    case long
    /// 4-byte little-endian IEEE float.
    case float
    /// 8-byte little-endian IEEE double.
    case double
    /// Length-prefixed bytes.
    case bytes
    /// Length-prefixed UTF-8.
    case string
}

/// Ordered extra JSON attributes of a schema or field.
public struct AvroAttributes: Sendable, Hashable {
    /// The attributes in order.
    public var pairs: [(String, JSONValue)]

    /// Creates attributes.
    public init(_ pairs: [(String, JSONValue)] = []) { self.pairs = pairs }

    /// The value of an attribute.
    public subscript(key: String) -> JSONValue? {
        get { pairs.first { $0.0 == key }?.1 }
        set {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if let v = newValue { pairs[i].1 = v } else { pairs.remove(at: i) }
            } else if let v = newValue {
                pairs.append((key, v))
            }
        }
    }

    /// Equality over the ordered pairs.
    public static func == (a: AvroAttributes, b: AvroAttributes) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    /// Hashes the ordered pairs.
    public func hash(into h: inout Hasher) {
        for (k, v) in pairs {
            h.combine(k)
            h.combine(v)
        }
    }
}

/// A record schema.
public struct AvroRecord: Sendable, Hashable {
    /// Record name.
    public var name: String
    /// Namespace.
    public var namespace: String?
    /// Fields in order.
    public var fields: [AvroField]
    /// Extra attributes.
    public var attributes: AvroAttributes

    /// Creates a record schema.
    public init(
        name: String, namespace: String? = nil, fields: [AvroField], attributes: AvroAttributes = AvroAttributes()
    ) {
        self.name = name
        self.namespace = namespace
        self.fields = fields
        self.attributes = attributes
    }

    /// The index of a field by name.
    public func fieldIndex(_ name: String) -> Int? { fields.firstIndex { $0.name == name } }
}

/// A record field.
public struct AvroField: Sendable, Hashable {
    /// Field name.
    public var name: String
    /// Field type.
    public var type: AvroSchema
    /// Default value as JSON.
    public var defaultValue: JSONValue?
    /// Documentation.
    public var doc: String?
    /// Extra attributes (e.g. `field-id`).
    public var attributes: AvroAttributes

    /// Creates a field.
    public init(
        name: String, type: AvroSchema, defaultValue: JSONValue? = nil, doc: String? = nil,
        attributes: AvroAttributes = AvroAttributes()
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.doc = doc
        self.attributes = attributes
    }

    /// The `field-id` attribute, if present.
    public var fieldId: Int? { attributes["field-id"]?.intValue.map(Int.init) }
}

// MARK: - JSON form

extension AvroSchema {
    /// Parses a schema from JSON text.
    public init(jsonText: String) throws {
        let value: JSONValue
        do { value = try JSONValue.parse(jsonText) } catch { throw AvroError.invalidSchema("\(error)") }
        try self.init(json: value)
    }

    /// Parses a schema from JSON, resolving references to named types defined earlier.
    public init(json: JSONValue) throws {
        var names: [String: AvroSchema] = [:]
        self = try AvroSchema.parse(json, namespace: nil, names: &names, depth: 0)
    }

    private static let reserved: Set<String> = [
        "type", "name", "namespace", "fields", "symbols", "items", "values", "size", "doc", "aliases", "default",
        "order",
    ]

    private static func attributes(_ pairs: [(String, JSONValue)]) -> AvroAttributes {
        AvroAttributes(pairs.filter { !reserved.contains($0.0) })
    }

    private static func parse(_ json: JSONValue, namespace: String?, names: inout [String: AvroSchema], depth: Int)
        throws -> AvroSchema
    {
        guard depth < 100 else { throw AvroError.invalidSchema("schema nests deeper than 100 levels") }
        switch json {
        case .string(let name):
            if let p = AvroPrimitive(rawValue: name) { return .of(p) }
            let full = name.contains(".") || namespace == nil ? name : "\(namespace!).\(name)"
            if let s = names[full] ?? names[name] { return s }
            throw AvroError.invalidSchema("unknown type '\(name)'")
        case .array(let branches):
            return .union(try branches.map { try parse($0, namespace: namespace, names: &names, depth: depth + 1) })
        case .object(let pairs):
            guard let type = json["type"] else { throw AvroError.invalidSchema("object without \"type\"") }
            guard case .string(let kind) = type else {
                // {"type": {...}} or {"type": [...]}: a wrapped schema.
                return try parse(type, namespace: namespace, names: &names, depth: depth + 1)
            }
            let attrs = attributes(pairs)
            func nameAndNamespace() throws -> (String, String?) {
                guard let name = json["name"]?.stringValue, !name.isEmpty else {
                    throw AvroError.invalidSchema("\(kind) without a name")
                }
                if let dot = name.lastIndex(of: ".") {
                    return (String(name[name.index(after: dot)...]), String(name[..<dot]))
                }
                return (name, json["namespace"]?.stringValue ?? namespace)
            }
            switch kind {
            case "record", "error":
                let (name, ns) = try nameAndNamespace()
                guard let fields = json["fields"]?.arrayValue else {
                    throw AvroError.invalidSchema("record '\(name)' without fields")
                }
                // Register a placeholder so a self-reference fails clearly rather than looping.
                let full = ns.map { "\($0).\(name)" } ?? name
                var parsed: [AvroField] = []
                for f in fields {
                    guard case .object(let fp) = f, let fname = f["name"]?.stringValue, let ftype = f["type"] else {
                        throw AvroError.invalidSchema("record '\(name)' has a field without name or type")
                    }
                    parsed.append(
                        AvroField(
                            name: fname, type: try parse(ftype, namespace: ns, names: &names, depth: depth + 1),
                            defaultValue: f["default"], doc: f["doc"]?.stringValue, attributes: attributes(fp)))
                }
                let record = AvroSchema.record(AvroRecord(name: name, namespace: ns, fields: parsed, attributes: attrs))
                names[full] = record
                return record
            case "enum":
                let (name, ns) = try nameAndNamespace()
                guard let symbols = json["symbols"]?.arrayValue?.compactMap({ $0.stringValue }) else {
                    throw AvroError.invalidSchema("enum '\(name)' without symbols")
                }
                let s = AvroSchema.enumeration(name: name, namespace: ns, symbols: symbols, attributes: attrs)
                names[s.fullName!] = s
                return s
            case "array":
                guard let items = json["items"] else { throw AvroError.invalidSchema("array without items") }
                return .array(
                    items: try parse(items, namespace: namespace, names: &names, depth: depth + 1), attributes: attrs)
            case "map":
                guard let values = json["values"] else { throw AvroError.invalidSchema("map without values") }
                return .map(
                    values: try parse(values, namespace: namespace, names: &names, depth: depth + 1), attributes: attrs)
            case "fixed":
                let (name, ns) = try nameAndNamespace()
                guard let size = json["size"]?.intValue, size >= 0, size <= 1 << 20 else {
                    throw AvroError.invalidSchema("fixed '\(name)' without a valid size")
                }
                let s = AvroSchema.fixed(name: name, namespace: ns, size: Int(size), attributes: attrs)
                names[s.fullName!] = s
                return s
            default:
                if let p = AvroPrimitive(rawValue: kind) { return .primitive(p, attributes: attrs) }
                if let s = names[kind] { return s }
                throw AvroError.invalidSchema("unknown type '\(kind)'")
            }
        default:
            throw AvroError.invalidSchema("a schema must be a string, an array or an object")
        }
    }

    /// The schema's JSON form. Named types are written in full the first time and by name after.
    public var json: JSONValue {
        var seen = Set<String>()
        return toJSON(&seen)
    }

    private func toJSON(_ seen: inout Set<String>) -> JSONValue {
        func withAttributes(_ base: [(String, JSONValue)], _ a: AvroAttributes) -> JSONValue { .object(base + a.pairs) }
        switch self {
        case .primitive(let p, let a):
            return a.pairs.isEmpty ? .string(p.rawValue) : withAttributes([("type", .string(p.rawValue))], a)
        case .record(let r):
            let full = fullName!
            if seen.contains(full) { return .string(full) }
            seen.insert(full)
            var base: [(String, JSONValue)] = [("type", .string("record")), ("name", .string(r.name))]
            if let ns = r.namespace { base.append(("namespace", .string(ns))) }
            base.append(
                (
                    "fields",
                    .array(
                        r.fields.map { f in
                            var fp: [(String, JSONValue)] = [("name", .string(f.name)), ("type", f.type.toJSON(&seen))]
                            if let d = f.doc { fp.append(("doc", .string(d))) }
                            if let d = f.defaultValue { fp.append(("default", d)) }
                            return .object(fp + f.attributes.pairs)
                        })
                ))
            return withAttributes(base, r.attributes)
        case .enumeration(let n, let ns, let symbols, let a):
            let full = fullName!
            if seen.contains(full) { return .string(full) }
            seen.insert(full)
            var base: [(String, JSONValue)] = [("type", .string("enum")), ("name", .string(n))]
            if let ns { base.append(("namespace", .string(ns))) }
            base.append(("symbols", .array(symbols.map { .string($0) })))
            return withAttributes(base, a)
        case .array(let items, let a):
            return withAttributes([("type", .string("array")), ("items", items.toJSON(&seen))], a)
        case .map(let values, let a):
            return withAttributes([("type", .string("map")), ("values", values.toJSON(&seen))], a)
        case .fixed(let n, let ns, let size, let a):
            let full = fullName!
            if seen.contains(full) { return .string(full) }
            seen.insert(full)
            var base: [(String, JSONValue)] = [("type", .string("fixed")), ("name", .string(n))]
            if let ns { base.append(("namespace", .string(ns))) }
            base.append(("size", .int(Int64(size))))
            return withAttributes(base, a)
        case .union(let branches):
            return .array(branches.map { $0.toJSON(&seen) })
        }
    }
}
