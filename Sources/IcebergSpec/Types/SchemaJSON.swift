import JSONSupport

// The JSON form of schemas and types, as in the table spec's "JSON serialization" appendix.

extension IcebergType {
    /// The type's JSON form.
    public var json: JSONValue {
        switch self {
        case .struct(let s):
            return .object([("type", .string("struct")), ("fields", .array(s.fields.map { $0.json }))])
        case .list(let l):
            return .object([
                ("type", .string("list")), ("element-id", .int(Int64(l.elementId))),
                ("element", l.element.json), ("element-required", .bool(l.elementRequired)),
            ])
        case .map(let m):
            return .object([
                ("type", .string("map")), ("key-id", .int(Int64(m.keyId))), ("key", m.key.json),
                ("value-id", .int(Int64(m.valueId))), ("value", m.value.json),
                ("value-required", .bool(m.valueRequired)),
            ])
        case .decimal(let p, let s):
            return .string("decimal(\(p),\(s))")
        default:
            return .string(description)
        }
    }

    /// Parses a type from its JSON form.
    public init(json: JSONValue, path: String = "type") throws {
        if case .string(let name) = json {
            guard let t = IcebergType.primitive(named: name) else {
                throw IcebergError.invalidJSON("\(path): unknown type '\(name)'")
            }
            self = t
            return
        }
        guard case .object = json, let kind = json["type"]?.stringValue else {
            throw IcebergError.invalidJSON("\(path): a type must be a string or an object with \"type\"")
        }
        func int(_ key: String) throws -> Int {
            guard let v = json[key]?.intValue, let i = Int(exactly: v) else {
                throw IcebergError.invalidJSON("\(path): missing integer '\(key)'")
            }
            return i
        }
        func bool(_ key: String) throws -> Bool {
            guard let v = json[key]?.boolValue else {
                throw IcebergError.invalidJSON("\(path): missing boolean '\(key)'")
            }
            return v
        }
        func sub(_ key: String) throws -> IcebergType {
            guard let v = json[key] else { throw IcebergError.invalidJSON("\(path): missing '\(key)'") }
            return try IcebergType(json: v, path: "\(path).\(key)")
        }
        switch kind {
        case "struct":
            guard let fields = json["fields"]?.arrayValue else {
                throw IcebergError.invalidJSON("\(path): struct without 'fields'")
            }
            self = .struct(
                StructType(try fields.enumerated().map { try NestedField(json: $1, path: "\(path).fields[\($0)]") }))
        case "list":
            self = .list(
                ListType(
                    elementId: try int("element-id"), elementRequired: try bool("element-required"),
                    element: try sub("element")))
        case "map":
            self = .map(
                MapType(
                    keyId: try int("key-id"), key: try sub("key"), valueId: try int("value-id"),
                    valueRequired: try bool("value-required"), value: try sub("value")))
        default:
            throw IcebergError.invalidJSON("\(path): unknown nested type '\(kind)'")
        }
    }
}

extension NestedField {
    /// The field's JSON form.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .int(Int64(id))), ("name", .string(name)),
            ("required", .bool(required)), ("type", type.json),
        ]
        if let doc { pairs.append(("doc", .string(doc))) }
        if let d = initialDefault { pairs.append(("initial-default", d)) }
        if let d = writeDefault { pairs.append(("write-default", d)) }
        return .object(pairs)
    }

    /// Parses a field from JSON.
    public init(json: JSONValue, path: String = "field") throws {
        guard case .object = json else { throw IcebergError.invalidJSON("\(path): a field must be an object") }
        guard let id = json["id"]?.intValue, let i = Int(exactly: id) else {
            throw IcebergError.invalidJSON("\(path): missing integer 'id'")
        }
        guard let name = json["name"]?.stringValue else {
            throw IcebergError.invalidJSON("\(path): missing string 'name'")
        }
        guard let required = json["required"]?.boolValue else {
            throw IcebergError.invalidJSON("\(path) '\(name)': missing boolean 'required'")
        }
        guard let t = json["type"] else { throw IcebergError.invalidJSON("\(path) '\(name)': missing 'type'") }
        self.init(
            id: i, name: name, required: required, type: try IcebergType(json: t, path: "\(path) '\(name)'"),
            doc: json["doc"]?.stringValue, initialDefault: json["initial-default"], writeDefault: json["write-default"])
    }
}

extension Schema {
    /// The schema's JSON form.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("type", .string("struct")), ("schema-id", .int(Int64(schemaId)))]
        if !identifierFieldIds.isEmpty {
            pairs.append(("identifier-field-ids", .array(identifierFieldIds.map { .int(Int64($0)) })))
        }
        pairs.append(("fields", .array(fields.map { $0.json })))
        return .object(pairs)
    }

    /// Parses a schema from JSON.
    public init(json: JSONValue) throws {
        guard json["type"]?.stringValue == "struct", let fields = json["fields"]?.arrayValue else {
            throw IcebergError.invalidJSON("a schema must be an object with \"type\": \"struct\" and \"fields\"")
        }
        let ids = json["identifier-field-ids"]?.arrayValue?.compactMap { $0.intValue.map(Int.init) } ?? []
        guard let schemaId = Int32(exactly: json["schema-id"]?.intValue ?? 0) else {
            throw IcebergError.invalidJSON("schema id beyond the 32-bit range")
        }
        try self.init(
            schemaId: Int(schemaId), identifierFieldIds: ids,
            fields: try fields.enumerated().map { try NestedField(json: $1, path: "fields[\($0)]") })
    }

    /// Parses a schema from JSON text.
    public init(jsonText: String) throws {
        let v: JSONValue
        do { v = try JSONValue.parse(jsonText) } catch let e as JSONParseError {
            throw IcebergError.invalidJSON(e.description)
        }
        try self.init(json: v)
    }
}
