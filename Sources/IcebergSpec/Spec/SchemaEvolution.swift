import JSONSupport

/// One change to a table schema, with the semantics of Java's `SchemaUpdate`. Columns are
/// named by dotted paths of field names; `element` and `value` step into a list's element
/// and a map's value (`points.element.x`, `attrs.value.unit`).
public enum SchemaChange: Sendable, Hashable {
    /// Adds a column at the end of the struct at `parent` (nil: the top level). A required
    /// column needs `defaultValue` (its initial and write default, format v3) unless
    /// incompatible changes are allowed.
    case addColumn(
        parent: String?, name: String, type: IcebergType, doc: String? = nil, required: Bool = false,
        defaultValue: JSONValue? = nil)
    /// Renames a column; its id stays, so data files read as before.
    case renameColumn(String, to: String)
    /// Drops a column (not an identifier field, not a source of the current partition spec
    /// or of the default sort order).
    case deleteColumn(String)
    /// Widens a primitive column's type: int→long, float→double, decimal(P,S)→decimal(P',S)
    /// with P' ≥ P, and in v3 date→timestamp or timestamp_ns.
    case updateColumnType(String, to: IcebergType)
    /// Makes a required column optional.
    case makeOptional(String)
    /// Makes an optional column required (an incompatible change: old rows may hold nulls).
    case requireColumn(String)
    /// Sets a column's doc (nil removes it).
    case updateDoc(String, doc: String?)
    /// Moves a column first among its siblings.
    case moveFirst(String)
    /// Moves a column just before a sibling.
    case moveBefore(String, sibling: String)
    /// Moves a column just after a sibling.
    case moveAfter(String, sibling: String)
    /// Sets the identifier fields (required primitive columns, not floating point, outside
    /// lists and maps).
    case setIdentifierFields([String])
    /// Unions another schema in by name (Java's `unionByNameWith`, PyIceberg's
    /// `union_by_name`): columns it has and the table lacks are added (optional, fresh ids,
    /// at the same place in the tree); columns of both are widened to its type when it is
    /// wider (a narrower type is ignored), made optional when it has them optional, and take
    /// its doc; nothing is dropped. Incompatible types fail naming the column.
    case unionByName(Schema)
}

/// Applies `SchemaChange`s to a schema, checking each against the spec's evolution rules.
/// Every violation is an `IcebergError.invalidSchema` naming the column and the rule.
public struct SchemaEvolution: Sendable {
    /// The table's format version (v3 allows defaults and date widening).
    public var formatVersion: Int
    /// The highest field id ever assigned in the table (`last-column-id`).
    public var lastColumnId: Int
    /// Field ids the current partition spec uses as sources (they cannot be dropped).
    public var partitionSourceIds: Set<Int>
    /// Field ids the default sort order sorts by (they cannot be dropped, as in Java).
    public var sortSourceIds: Set<Int>
    /// Whether names match ignoring case.
    public var caseSensitive: Bool
    /// Whether changes that can break readers (a required column without default, making a
    /// column required) are allowed.
    public var allowIncompatibleChanges: Bool

    /// Evolution rules for a table.
    public init(
        formatVersion: Int, lastColumnId: Int, partitionSourceIds: Set<Int> = [], sortSourceIds: Set<Int> = [],
        caseSensitive: Bool = true, allowIncompatibleChanges: Bool = false
    ) {
        self.formatVersion = formatVersion
        self.lastColumnId = lastColumnId
        self.partitionSourceIds = partitionSourceIds
        self.sortSourceIds = sortSourceIds
        self.caseSensitive = caseSensitive
        self.allowIncompatibleChanges = allowIncompatibleChanges
    }

    /// The schema after the changes, in order (new ids follow `lastColumnId`, which advances).
    public mutating func apply(_ changes: [SchemaChange], to schema: Schema) throws -> Schema {
        var fields = schema.fields
        var identifiers = schema.identifierFieldIds
        for change in changes {
            try apply(change, to: &fields, identifiers: &identifiers)
        }
        let evolved = try Schema(schemaId: schema.schemaId, identifierFieldIds: identifiers, fields: fields)
        for id in identifiers { try checkIdentifier(id, in: evolved) }
        return evolved
    }

    /// The changes that union `incoming` into `existing` (the fields of the struct at `parent`).
    private func unionChanges(_ existing: [NestedField], _ incoming: [NestedField], parent: String?) throws
        -> [SchemaChange]
    {
        var out: [SchemaChange] = []
        for f in incoming {
            guard let e = existing.first(where: { matches($0.name, f.name) }) else {
                out.append(.addColumn(parent: parent, name: f.name, type: f.type, doc: f.doc))
                continue
            }
            let path = parent.map { "\($0).\(e.name)" } ?? e.name
            out += try unionTypes(e.type, f.type, path: path)
            if !f.required && e.required { out.append(.makeOptional(path)) }
            if let doc = f.doc, doc != e.doc { out.append(.updateDoc(path, doc: doc)) }
        }
        return out
    }

    private func unionTypes(_ existing: IcebergType, _ incoming: IcebergType, path: String) throws -> [SchemaChange] {
        switch (existing, incoming) {
        case (.struct(let a), .struct(let b)):
            return try unionChanges(a.fields, b.fields, parent: path)
        case (.list(let a), .list(let b)):
            guard case .struct(let sa) = a.element, case .struct(let sb) = b.element else {
                guard a.element == b.element || canPromote(b.element, to: a.element) else {
                    throw fail(path, "list element \(a.element) cannot be unioned with \(b.element)")
                }
                return []
            }
            return try unionChanges(sa.fields, sb.fields, parent: path + ".element")
        case (.map(let a), .map(let b)):
            guard a.key == b.key else { throw fail(path, "map key \(a.key) cannot be unioned with \(b.key)") }
            guard case .struct(let sa) = a.value, case .struct(let sb) = b.value else {
                guard a.value == b.value || canPromote(b.value, to: a.value) else {
                    throw fail(path, "map value \(a.value) cannot be unioned with \(b.value)")
                }
                return []
            }
            return try unionChanges(sa.fields, sb.fields, parent: path + ".value")
        case _ where existing.isPrimitive && incoming.isPrimitive:
            // A narrower incoming type is ignored (the column already holds its values).
            if existing == incoming || canPromote(incoming, to: existing) { return [] }
            guard canPromote(existing, to: incoming) else {
                throw fail(path, "\(existing) cannot be unioned with \(incoming) (not a type widening)")
            }
            return [.updateColumnType(path, to: incoming)]
        default:
            throw fail(path, "\(existing) cannot be unioned with \(incoming)")
        }
    }

    private func fail(_ path: String, _ rule: String) -> IcebergError {
        .invalidSchema("column '\(path)': \(rule)")
    }

    private func matches(_ a: String, _ b: String) -> Bool {
        caseSensitive ? a == b : a.lowercased() == b.lowercased()
    }

    private mutating func apply(_ change: SchemaChange, to fields: inout [NestedField], identifiers: inout [Int])
        throws
    {
        switch change {
        case .unionByName(let other):
            for c in try unionChanges(fields, other.fields, parent: nil) {
                try apply(c, to: &fields, identifiers: &identifiers)
            }
        case .addColumn(let parent, let name, let type, let doc, let required, let defaultValue):
            try addColumn(
                parent: parent, name: name, type: type, doc: doc, required: required, defaultValue: defaultValue,
                to: &fields)
        case .renameColumn(let path, let newName):
            guard !newName.isEmpty, !newName.contains(".") else {
                throw fail(path, "a column name cannot be empty or hold '.'")
            }
            try withColumn(path, in: &fields) { siblings, i in
                guard !siblings.enumerated().contains(where: { $0.offset != i && matches($0.element.name, newName) })
                else { throw fail(path, "a sibling is already named '\(newName)'") }
                siblings[i].name = newName
            }
        case .deleteColumn(let path):
            try deleteColumn(path, from: &fields, identifiers: identifiers)
        case .updateColumnType(let path, let newType):
            try withColumn(path, in: &fields) { siblings, i in
                let old = siblings[i].type
                guard old != newType else { return }
                guard canPromote(old, to: newType) else {
                    throw fail(
                        path,
                        "\(old) cannot be changed to \(newType) (allowed: int→long, float→double, wider decimal precision\(formatVersion >= 3 ? ", date→timestamp" : ""))"
                    )
                }
                if partitionSourceIds.contains(siblings[i].id), case .date = old {
                    throw fail(path, "a partition source cannot change from date")
                }
                siblings[i].type = newType
            }
        case .makeOptional(let path):
            try withColumn(path, in: &fields) { siblings, i in
                if identifiers.contains(siblings[i].id) {
                    throw fail(path, "an identifier field must stay required")
                }
                siblings[i].required = false
            }
        case .requireColumn(let path):
            try withColumn(path, in: &fields) { siblings, i in
                guard siblings[i].required || allowIncompatibleChanges else {
                    throw fail(path, "making a column required is incompatible (rows may hold nulls)")
                }
                siblings[i].required = true
            }
        case .updateDoc(let path, let doc):
            try withColumn(path, in: &fields) { siblings, i in siblings[i].doc = doc }
        case .moveFirst(let path):
            try withColumn(path, in: &fields) { siblings, i in siblings.insert(siblings.remove(at: i), at: 0) }
        case .moveBefore(let path, let sibling):
            try move(path, after: false, sibling: sibling, in: &fields)
        case .moveAfter(let path, let sibling):
            try move(path, after: true, sibling: sibling, in: &fields)
        case .setIdentifierFields(let paths):
            let schema = try Schema(fields: fields)
            identifiers = try paths.map { path in
                guard let id = try resolve(path, in: schema) else { throw fail(path, "no such column") }
                return id
            }
        }
    }

    /// Adds a column (ids assigned from the last one), checking its name, default and siblings.
    private mutating func addColumn(
        parent: String?, name: String, type: IcebergType, doc: String?, required: Bool, defaultValue: JSONValue?,
        to fields: inout [NestedField]
    ) throws {
        let path = parent.map { "\($0).\(name)" } ?? name
        guard !name.isEmpty, !name.contains(".") else {
            throw fail(path, "a column name cannot be empty or hold '.'")
        }
        if required && defaultValue == nil && !allowIncompatibleChanges {
            throw fail(path, "a required column needs a default value (or incompatible changes allowed)")
        }
        if defaultValue != nil {
            guard formatVersion >= 3 else { throw fail(path, "default values need format v3") }
            guard type.isPrimitive else { throw fail(path, "only primitive columns take a default value") }
            _ = try Literal.from(json: defaultValue!, type: type)
        }
        var field = NestedField(
            id: nextId(), name: name, required: required, type: .boolean, doc: doc, initialDefault: defaultValue,
            writeDefault: defaultValue)
        field.type = assignIds(type)
        try withStruct(at: parent, in: &fields) { siblings, parentPath in
            guard !siblings.contains(where: { matches($0.name, name) }) else {
                throw fail(path, "a column of that name already exists in \(parentPath ?? "the table")")
            }
            siblings.append(field)
        }
    }

    /// Deletes a column unless it is (or holds) an identifier field, a partition source or a
    /// sort column.
    private func deleteColumn(_ path: String, from fields: inout [NestedField], identifiers: [Int]) throws {
        try withColumn(path, in: &fields) { siblings, i in
            var ids = Set<Int>()
            Schema.visit([siblings[i]]) { ids.insert($0) }
            if let id = ids.first(where: { identifiers.contains($0) }) {
                throw fail(path, "it is (or holds) identifier field \(id); change the identifier fields first")
            }
            if let id = ids.first(where: { partitionSourceIds.contains($0) }) {
                throw fail(path, "it is (or holds) field \(id), a source of the current partition spec")
            }
            if let id = ids.first(where: { sortSourceIds.contains($0) }) {
                throw fail(
                    path, "it is (or holds) field \(id), a column of the default sort order; replace it first")
            }
            siblings.remove(at: i)
        }
    }

    /// Moves a column before or after a sibling of the same struct.
    private func move(_ path: String, after: Bool, sibling: String, in fields: inout [NestedField]) throws {
        try withColumn(path, in: &fields) { siblings, i in
            let otherName = sibling.split(separator: ".").last.map(String.init) ?? sibling
            guard parentPath(of: sibling) == parentPath(of: path) else {
                throw fail(path, "can only move next to a column of the same struct, not '\(sibling)'")
            }
            guard let j = siblings.firstIndex(where: { matches($0.name, otherName) }) else {
                throw fail(path, "no sibling '\(sibling)' to move next to")
            }
            guard i != j else { throw fail(path, "cannot move a column next to itself") }
            let moved = siblings.remove(at: i)
            let target = siblings.firstIndex(where: { matches($0.name, otherName) })!
            siblings.insert(moved, at: after ? target + 1 : target)
        }
    }

    private func parentPath(of path: String) -> String {
        let parts = path.split(separator: ".")
        return parts.dropLast().joined(separator: ".")
    }

    private mutating func nextId() -> Int {
        lastColumnId += 1
        return lastColumnId
    }

    /// The type with fresh ids for every nested field.
    private mutating func assignIds(_ type: IcebergType) -> IcebergType {
        switch type {
        case .struct(let s):
            return .struct(
                StructType(
                    s.fields.map { f in
                        var g = f
                        g.id = nextId()
                        g.type = assignIds(f.type)
                        return g
                    }))
        case .list(let l):
            let id = nextId()
            return .list(ListType(elementId: id, elementRequired: l.elementRequired, element: assignIds(l.element)))
        case .map(let m):
            let keyId = nextId()
            let valueId = nextId()
            return .map(
                MapType(
                    keyId: keyId, key: assignIds(m.key), valueId: valueId, valueRequired: m.valueRequired,
                    value: assignIds(m.value)))
        default:
            return type
        }
    }

    private func canPromote(_ from: IcebergType, to: IcebergType) -> Bool {
        switch (from, to) {
        case (.int, .long), (.float, .double): return true
        case (.decimal(let p, let s), .decimal(let p2, let s2)): return s == s2 && p2 >= p
        case (.date, .timestamp), (.date, .timestampNs): return formatVersion >= 3
        default: return false
        }
    }

    /// The field id at a path (struct fields, `element`, `key`, `value`).
    private func resolve(_ path: String, in schema: Schema) throws -> Int? {
        var fields = schema.fields
        var type: IcebergType? = nil
        var id: Int? = nil
        for part in path.split(separator: ".").map(String.init) {
            if let t = type {
                switch t {
                case .list(let l) where part == "element":
                    id = l.elementId
                    type = l.element
                    continue
                case .map(let m) where part == "key" || part == "value":
                    id = part == "key" ? m.keyId : m.valueId
                    type = part == "key" ? m.key : m.value
                    continue
                case .struct(let s): fields = s.fields
                default: return nil
                }
            }
            guard let f = fields.first(where: { matches($0.name, part) }) else { return nil }
            id = f.id
            type = f.type
        }
        return id
    }

    private func checkIdentifier(_ id: Int, in schema: Schema) throws {
        // Walk from the top: every step must be a required struct field.
        func find(_ fields: [NestedField], _ prefix: String) -> (String, NestedField, Bool)? {
            for f in fields {
                if f.id == id { return (prefix + f.name, f, f.required) }
                if case .struct(let s) = f.type, let (p, g, required) = find(s.fields, prefix + f.name + ".") {
                    return (p, g, required && f.required)
                }
            }
            return nil
        }
        guard let (path, field, requiredPath) = find(schema.fields, "") else {
            throw IcebergError.invalidSchema("identifier field \(id) is not a struct field outside lists and maps")
        }
        guard field.type.isPrimitive else { throw fail(path, "an identifier field must be a primitive") }
        if case .float = field.type { throw fail(path, "an identifier field cannot be a float") }
        if case .double = field.type { throw fail(path, "an identifier field cannot be a double") }
        guard requiredPath else { throw fail(path, "an identifier field and the structs holding it must be required") }
    }

    /// Runs `body` on the field list of the struct at `path` (nil: the top level).
    private func withStruct(
        at path: String?, in fields: inout [NestedField], _ body: (inout [NestedField], String?) throws -> Void
    ) throws {
        guard let path else { return try body(&fields, nil) }
        let parts = path.split(separator: ".").map(String.init)
        try descend(parts[...], path, &fields) { try body(&$0, path) }
    }

    /// Runs `body` on the sibling list holding the column at `path` and its index there.
    private func withColumn(
        _ path: String, in fields: inout [NestedField], _ body: (inout [NestedField], Int) throws -> Void
    )
        throws
    {
        var parts = path.split(separator: ".").map(String.init)
        guard let name = parts.popLast() else { throw fail(path, "no such column") }
        func apply(_ siblings: inout [NestedField]) throws {
            guard let i = siblings.firstIndex(where: { matches($0.name, name) }) else {
                throw fail(path, "no such column")
            }
            try body(&siblings, i)
        }
        if parts.isEmpty { try apply(&fields) } else { try descend(parts[...], path, &fields) { try apply(&$0) } }
    }

    /// Steps through struct fields (and `element`/`value` into lists and maps of structs) to a
    /// struct's field list.
    private func descend(
        _ parts: ArraySlice<String>, _ path: String, _ fields: inout [NestedField],
        _ body: (inout [NestedField]) throws -> Void
    ) throws {
        guard let first = parts.first else { return try body(&fields) }
        guard let i = fields.firstIndex(where: { matches($0.name, first) }) else { throw fail(path, "no such column") }
        var rest = parts.dropFirst()
        var type = fields[i].type
        try descendType(&type, &rest, path, body)
        fields[i].type = type
    }

    private func descendType(
        _ type: inout IcebergType, _ rest: inout ArraySlice<String>, _ path: String,
        _ body: (inout [NestedField]) throws -> Void
    ) throws {
        switch type {
        case .struct(var s):
            try descend(rest, path, &s.fields, body)
            type = .struct(s)
        case .list(var l):
            guard rest.first == "element" else { throw fail(path, "step into a list with 'element'") }
            rest = rest.dropFirst()
            try descendType(&l.element, &rest, path, body)
            type = .list(l)
        case .map(var m):
            guard rest.first == "value" else { throw fail(path, "step into a map with 'value' (keys cannot change)") }
            rest = rest.dropFirst()
            try descendType(&m.value, &rest, path, body)
            type = .map(m)
        default:
            throw fail(path, "\(type) has no columns inside")
        }
    }
}
