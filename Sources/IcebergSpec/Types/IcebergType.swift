import JSONSupport

/// An Iceberg data type (table spec, "Schemas and Data Types").
public indirect enum IcebergType: Sendable, Hashable, CustomStringConvertible {
    /// True or false.
    case boolean
    /// 32-bit signed integer.
    case int
    /// 64-bit signed integer.
    case long
    /// 32-bit IEEE float.
    case float
    /// 64-bit IEEE float.
    case double
    /// Fixed-point decimal; precision ≤ 38.
    case decimal(precision: Int, scale: Int)
    /// Calendar date without time or zone.
    case date
    /// Time of day, microseconds, no date or zone.
    case time
    /// Timestamp, microseconds, without zone.
    case timestamp
    /// Timestamp, microseconds, with zone (stored as UTC).
    case timestamptz
    /// Timestamp, nanoseconds, without zone (format v3).
    case timestampNs
    /// Timestamp, nanoseconds, with zone (format v3).
    case timestamptzNs
    /// UTF-8 string.
    case string
    /// Universally unique identifier.
    case uuid
    /// Fixed-length byte array.
    case fixed(length: Int)
    /// Variable-length byte array.
    case binary
    /// A struct of named fields.
    case `struct`(StructType)
    /// A list of elements.
    case list(ListType)
    /// A map of keys to values.
    case map(MapType)
    /// v3: a column whose values are all null (a placeholder type).
    case unknown
    /// v3: semi-structured values in the variant encoding. Schemas with it load; scans that
    /// select it are refused (see `IcebergType.isReadable`).
    case variant
    /// v3: geometries (WKB), with their type text (`geometry`, `geometry(srid:4326)`). Loads, is not read.
    case geometry(String)
    /// v3: geographies (WKB), with their type text (`geography(srid:4326, spherical)`). Loads, is not read.
    case geography(String)

    /// Whether scans read values of this type (variant and the geospatial types are not read yet).
    public var isReadable: Bool {
        switch self {
        case .variant, .geometry, .geography: return false
        case .struct(let s): return s.fields.allSatisfy(\.type.isReadable)
        case .list(let l): return l.element.isReadable
        case .map(let m): return m.key.isReadable && m.value.isReadable
        default: return true
        }
    }

    /// Whether this is a primitive (not struct, list or map).
    public var isPrimitive: Bool {
        switch self {
        case .struct, .list, .map: return false
        default: return true
        }
    }

    /// The type's string form as used in JSON (`decimal(9,2)`, `fixed[16]`, …); nested types
    /// describe themselves as `struct<…>`, `list<…>`, `map<…>`.
    public var description: String {
        switch self {
        case .boolean: return "boolean"
        case .int: return "int"
        case .long: return "long"
        case .float: return "float"
        case .double: return "double"
        case .decimal(let p, let s): return "decimal(\(p), \(s))"
        case .date: return "date"
        case .time: return "time"
        case .timestamp: return "timestamp"
        case .timestamptz: return "timestamptz"
        case .timestampNs: return "timestamp_ns"
        case .timestamptzNs: return "timestamptz_ns"
        case .string: return "string"
        case .uuid: return "uuid"
        case .fixed(let l): return "fixed[\(l)]"
        case .binary: return "binary"
        case .struct(let s):
            return "struct<"
                + s.fields.map { "\($0.id): \($0.name): \($0.required ? "required" : "optional") \($0.type)" }.joined(
                    separator: ", ") + ">"
        case .list(let l): return "list<\(l.element)>"
        case .map(let m): return "map<\(m.key), \(m.value)>"
        case .unknown: return "unknown"
        case .variant: return "variant"
        case .geometry(let text), .geography(let text): return text
        }
    }

    /// Parses a primitive type name as it appears in schema JSON.
    public static func primitive(named raw: String) -> IcebergType? {
        let name = raw.trimmingSpaces.lowercased()
        switch name {
        case "boolean": return .boolean
        case "int", "integer": return .int
        case "long": return .long
        case "float": return .float
        case "double": return .double
        case "date": return .date
        case "time": return .time
        case "timestamp": return .timestamp
        case "timestamptz": return .timestamptz
        case "timestamp_ns": return .timestampNs
        case "timestamptz_ns": return .timestamptzNs
        case "string": return .string
        case "uuid": return .uuid
        case "binary": return .binary
        case "unknown": return .unknown
        case "variant": return .variant
        default: break
        }
        if name == "geometry" || (name.hasPrefix("geometry(") && name.hasSuffix(")")) {
            return .geometry(raw.trimmingSpaces)
        }
        if name == "geography" || (name.hasPrefix("geography(") && name.hasSuffix(")")) {
            return .geography(raw.trimmingSpaces)
        }
        if name.hasPrefix("decimal(") && name.hasSuffix(")") {
            let inner = name.dropFirst(8).dropLast()
            let parts = inner.split(separator: ",").map { String($0).trimmingSpaces }
            guard parts.count == 2, let p = Int(parts[0]), let s = Int(parts[1]), p >= 1, p <= 38, s >= 0, s <= p else {
                return nil
            }
            return .decimal(precision: p, scale: s)
        }
        if name.hasPrefix("fixed[") && name.hasSuffix("]") {
            guard let l = Int(name.dropFirst(6).dropLast()), l > 0 else { return nil }
            return .fixed(length: l)
        }
        return nil
    }
}

extension String {
    package var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// A field of a struct (or a top-level schema column).
public struct NestedField: Sendable, Hashable {
    /// Field id, unique within the schema.
    public var id: Int
    /// Field name.
    public var name: String
    /// Whether values are required (non-null).
    public var required: Bool
    /// The field's type.
    public var type: IcebergType
    /// Documentation.
    public var doc: String?
    /// Default for rows written before the field existed (v3).
    public var initialDefault: JSONValue?
    /// Default for new writes (v3).
    public var writeDefault: JSONValue?

    /// Creates a field.
    public init(
        id: Int, name: String, required: Bool, type: IcebergType, doc: String? = nil,
        initialDefault: JSONValue? = nil, writeDefault: JSONValue? = nil
    ) {
        self.id = id
        self.name = name
        self.required = required
        self.type = type
        self.doc = doc
        self.initialDefault = initialDefault
        self.writeDefault = writeDefault
    }

    /// An optional field.
    public static func optional(_ id: Int, _ name: String, _ type: IcebergType, doc: String? = nil) -> NestedField {
        NestedField(id: id, name: name, required: false, type: type, doc: doc)
    }

    /// A required field.
    public static func required(_ id: Int, _ name: String, _ type: IcebergType, doc: String? = nil) -> NestedField {
        NestedField(id: id, name: name, required: true, type: type, doc: doc)
    }
}

/// The fields of a struct type.
public struct StructType: Sendable, Hashable {
    /// Fields in order.
    public var fields: [NestedField]
    /// Creates a struct type.
    public init(_ fields: [NestedField]) { self.fields = fields }
}

/// A list type.
public struct ListType: Sendable, Hashable {
    /// Field id of the element.
    public var elementId: Int
    /// Whether elements are non-null.
    public var elementRequired: Bool
    /// Element type.
    public var element: IcebergType
    /// Creates a list type.
    public init(elementId: Int, elementRequired: Bool, element: IcebergType) {
        self.elementId = elementId
        self.elementRequired = elementRequired
        self.element = element
    }
}

/// A map type.
public struct MapType: Sendable, Hashable {
    /// Field id of the key.
    public var keyId: Int
    /// Key type (keys are always required).
    public var key: IcebergType
    /// Field id of the value.
    public var valueId: Int
    /// Whether values are non-null.
    public var valueRequired: Bool
    /// Value type.
    public var value: IcebergType
    /// Creates a map type.
    public init(keyId: Int, key: IcebergType, valueId: Int, valueRequired: Bool, value: IcebergType) {
        self.keyId = keyId
        self.key = key
        self.valueId = valueId
        self.valueRequired = valueRequired
        self.value = value
    }
}

/// An Iceberg table schema: top-level fields plus a schema id and identifier fields.
public struct Schema: Sendable, Hashable {
    /// Schema id within table metadata.
    public var schemaId: Int
    /// Ids of fields that identify a row.
    public var identifierFieldIds: [Int]
    /// Top-level fields.
    public var fields: [NestedField]

    /// Creates a schema, checking that field ids are unique and names are non-empty and unique per struct.
    public init(schemaId: Int = 0, identifierFieldIds: [Int] = [], fields: [NestedField]) throws {
        self.schemaId = schemaId
        self.identifierFieldIds = identifierFieldIds
        self.fields = fields
        try validate()
    }

    /// Whether two schemas have the same fields and identifier fields (ids aside), which makes
    /// them one schema of a table (Java's `sameSchema`).
    public func isSame(as other: Schema) -> Bool {
        fields == other.fields && Set(identifierFieldIds) == Set(other.identifierFieldIds)
    }

    /// The largest field id used anywhere in the schema.
    public var highestFieldId: Int {
        var m = 0
        Schema.visit(fields) { m = max(m, $0) }
        return m
    }

    static func visit(_ fields: [NestedField], _ f: (Int) -> Void) {
        func walk(_ t: IcebergType) {
            switch t {
            case .struct(let s): visit(s.fields, f)
            case .list(let l):
                f(l.elementId)
                walk(l.element)
            case .map(let m):
                f(m.keyId)
                f(m.valueId)
                walk(m.key)
                walk(m.value)
            default: break
            }
        }
        for field in fields {
            f(field.id)
            walk(field.type)
        }
    }

    private func validate() throws {
        var seen = Set<Int>()
        var duplicate: Int? = nil
        Schema.visit(fields) { id in if !seen.insert(id).inserted { duplicate = id } }
        if let d = duplicate { throw IcebergError.invalidSchema("field id \(d) is used more than once") }
        func check(_ fields: [NestedField], _ path: String) throws {
            var names = Set<String>()
            for f in fields {
                guard !f.name.isEmpty else {
                    throw IcebergError.invalidSchema("empty field name in \(path.isEmpty ? "schema" : path)")
                }
                guard names.insert(f.name).inserted else {
                    throw IcebergError.invalidSchema("duplicate field name '\(path)\(f.name)'")
                }
                try checkType(f.type, path + f.name)
            }
        }
        func checkType(_ t: IcebergType, _ path: String) throws {
            switch t {
            case .struct(let s): try check(s.fields, path + ".")
            case .list(let l): try checkType(l.element, path + ".element")
            case .map(let m):
                try checkType(m.key, path + ".key")
                try checkType(m.value, path + ".value")
            case .decimal(let p, let s):
                guard p >= 1, p <= 38, s >= 0, s <= p else {
                    throw IcebergError.invalidSchema("\(path): invalid decimal(\(p), \(s))")
                }
            case .fixed(let l):
                guard l > 0 else { throw IcebergError.invalidSchema("\(path): fixed length must be positive") }
            default: break
            }
        }
        try check(fields, "")
    }

    /// The field at a dotted path of struct field names (ignoring case unless `caseSensitive`).
    public func field(at path: String, caseSensitive: Bool = true) -> NestedField? {
        var fields = self.fields
        let parts = path.split(separator: ".").map(String.init)
        for (i, p) in parts.enumerated() {
            let match =
                caseSensitive
                ? fields.first(where: { $0.name == p })
                : fields.first(where: { $0.name.lowercased() == p.lowercased() })
            guard let f = match else { return nil }
            if i == parts.count - 1 { return f }
            guard case .struct(let s) = f.type else { return nil }
            fields = s.fields
        }
        return nil
    }
}
