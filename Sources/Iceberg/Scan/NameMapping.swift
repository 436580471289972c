import JSONSupport
import Parquet

/// A table's name mapping (`schema.name-mapping.default`, the spec's column projection rule):
/// the field ids that columns of data files written without ids resolve to, by the names
/// those columns had — including names from before a rename.
public struct NameMapping: Sendable, Hashable {
    /// One mapped field: its id (nil: unmapped), the names it was written under, and its children.
    public struct Field: Sendable, Hashable {
        /// The field id.
        public var id: Int?
        /// Every name the field had.
        public var names: [String]
        /// Mappings of nested fields (struct fields, list element, map key and value).
        public var fields: [Field]
    }

    /// The top-level fields.
    public var fields: [Field]

    /// Parses the JSON form (an array of `{"field-id", "names", "fields"}` objects).
    public init(json: JSONValue) throws {
        func parse(_ v: JSONValue) throws -> [Field] {
            guard case .array(let items) = v else {
                throw IcebergError.invalidJSON("name mapping fields must be an array")
            }
            return try items.map { item in
                Field(
                    id: item["field-id"]?.intValue.map(Int.init),
                    names: (item["names"]?.arrayValue ?? []).compactMap(\.stringValue),
                    fields: try item["fields"].map(parse) ?? [])
            }
        }
        fields = try parse(json)
    }

    /// The JSON form.
    public var json: JSONValue {
        func encode(_ fields: [Field]) -> JSONValue {
            .array(
                fields.map { f in
                    var pairs: [(String, JSONValue)] = []
                    if let id = f.id { pairs.append(("field-id", .int(Int64(id)))) }
                    pairs.append(("names", .array(f.names.map { .string($0) })))
                    if !f.fields.isEmpty { pairs.append(("fields", encode(f.fields))) }
                    return .object(pairs)
                })
        }
        return encode(fields)
    }

    /// The mapping after a schema change, as Java's `MappingUtil.update` makes it: fields the
    /// mapping lacks are added under their names, renamed fields keep their old names and gain
    /// the new one, dropped fields stay mapped (old files still hold them).
    public func updated(for schema: Schema) -> NameMapping {
        func merge(_ existing: [Field], _ fields: [(id: Int, name: String, type: IcebergType)]) -> [Field] {
            var out = existing
            for f in fields {
                let children = Self.children(of: f.type)
                if let i = out.firstIndex(where: { $0.id == f.id }) {
                    if !out[i].names.contains(f.name) { out[i].names.append(f.name) }
                    out[i].fields = merge(out[i].fields, children)
                } else {
                    out.append(Field(id: f.id, names: [f.name], fields: merge([], children)))
                }
            }
            return out
        }
        var copy = self
        copy.fields = merge(fields, schema.fields.map { ($0.id, $0.name, $0.type) })
        return copy
    }

    private static func children(of type: IcebergType) -> [(id: Int, name: String, type: IcebergType)] {
        switch type {
        case .struct(let s): return s.fields.map { ($0.id, $0.name, $0.type) }
        case .list(let l): return [(l.elementId, "element", l.element)]
        case .map(let m): return [(m.keyId, "key", m.key), (m.valueId, "value", m.value)]
        default: return []
        }
    }

    /// The table's mapping, if it has a valid one.
    public init?(metadata: TableMetadata) {
        guard let text = try? metadata.value(of: TableProperties.nameMappingDefault),
            let json = try? JSONValue.parse(text),
            let mapping = try? NameMapping(json: json)
        else { return nil }
        self = mapping
    }

    /// The file schema with field ids assigned from the mapping; columns it does not name stay
    /// without an id (and so read as absent).
    func assigningIds(to parquet: ParquetSchema) throws -> ParquetSchema {
        func assign(_ node: inout SchemaNode, _ mapped: [Field]) {
            var isList = node.element.convertedType == .list
            var isMap = node.element.convertedType == .map || node.element.convertedType == .mapKeyValue
            if case .list? = node.element.logicalType { isList = true }
            if case .map? = node.element.logicalType { isMap = true }
            if isList || isMap, node.children.count == 1, node.children[0].repetition == .repeated {
                var repeated = node.children[0]
                if isList {
                    // The element: the repeated group's only child, or the repeated node itself.
                    guard let element = mapped.first else { return }
                    if repeated.children.count == 1 && !repeated.isLeaf {
                        repeated.children[0].element.fieldId = element.id.map(Int32.init)
                        assign(&repeated.children[0], element.fields)
                    } else {
                        repeated.element.fieldId = element.id.map(Int32.init)
                        assign(&repeated, element.fields)
                    }
                } else {
                    // Key and value by position, as the map layout defines them.
                    for (i, m) in mapped.prefix(2).enumerated() where i < repeated.children.count {
                        repeated.children[i].element.fieldId = m.id.map(Int32.init)
                        assign(&repeated.children[i], m.fields)
                    }
                }
                node.children[0] = repeated
                return
            }
            for i in node.children.indices {
                guard let m = mapped.first(where: { $0.names.contains(node.children[i].name) }) else { continue }
                node.children[i].element.fieldId = m.id.map(Int32.init)
                assign(&node.children[i], m.fields)
            }
        }
        var root = parquet.root
        assign(&root, fields)
        return try ParquetSchema(root: root)
    }
}
