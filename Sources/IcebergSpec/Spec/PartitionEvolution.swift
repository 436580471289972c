/// One change to a table's partition spec, with the semantics of Java's `UpdatePartitionSpec`.
/// Source columns are dotted paths of struct field names.
public enum PartitionChange: Sendable, Hashable {
    /// Adds a field partitioning by `transform` of `source`. Without a name it is named as
    /// Java names it: the column for identity, else `<column>_bucket_16`, `_trunc_4`,
    /// `_year`, `_month`, `_day`, `_hour`.
    case addField(source: String, transform: Transform, name: String? = nil)
    /// Removes the field of that name.
    case removeField(String)
    /// Removes the field partitioning by `transform` of `source`.
    case removeTransform(source: String, transform: Transform)
    /// Renames a field (its id stays).
    case renameField(String, to: String)
}

/// Applies `PartitionChange`s to a partition spec with Java's rules: a field removed in v1
/// becomes a `void` field (v1 readers locate partition values by position), in v2 it goes;
/// a field added again reuses the id of an identical field (same source and transform) of
/// any earlier spec in v2, as the spec asks; names stay unique and may not shadow a column
/// other than an identity partition's own source. Every violation is an
/// `IcebergError.invalidPartitionSpec` naming the field and the rule.
public struct PartitionEvolution: Sendable {
    /// The table's format version.
    public var formatVersion: Int
    /// The highest partition field id ever assigned (`last-partition-id`).
    public var lastPartitionId: Int
    /// Every spec the table has had (searched for field ids to reuse).
    public var historicalSpecs: [PartitionSpec]
    /// Whether column names match ignoring case.
    public var caseSensitive: Bool

    /// Evolution rules for a table.
    public init(formatVersion: Int, lastPartitionId: Int, historicalSpecs: [PartitionSpec], caseSensitive: Bool = true)
    {
        self.formatVersion = formatVersion
        self.lastPartitionId = lastPartitionId
        self.historicalSpecs = historicalSpecs
        self.caseSensitive = caseSensitive
    }

    private struct Key: Hashable {
        var sourceId: Int
        var transform: String
    }

    /// The spec after the changes (the caller assigns its spec id); new field ids follow
    /// `lastPartitionId`, which advances.
    public mutating func apply(_ changes: [PartitionChange], to spec: PartitionSpec, schema: Schema) throws
        -> PartitionSpec
    {
        if let unknown = spec.fields.first(where: { if case .unknown = $0.transform { true } else { false } }) {
            throw fail(unknown.name, "the current spec has a transform this library does not know")
        }
        var state = State(spec: spec)
        for change in changes {
            switch change {
            case .addField(let source, let transform, let name):
                try add(source, transform, name, schema: schema, &state)
            case .removeField(let name):
                guard state.nameToAdded[name] == nil else {
                    throw fail(name, "cannot remove a field added in the same change")
                }
                guard state.renames[name] == nil else { throw fail(name, "cannot rename and remove a field") }
                guard let field = state.nameToField[name] else { throw fail(name, "no such partition field") }
                state.deletes.insert(field.fieldId)
            case .removeTransform(let source, let transform):
                let key = try resolve(source, transform, schema: schema)
                let term = "\(transform)(\(source))"
                guard state.transformToAdded[key] == nil else {
                    throw fail(term, "cannot remove a field added in the same change")
                }
                guard let field = state.transformToField[key] else { throw fail(term, "no such partition field") }
                guard state.renames[field.name] == nil else {
                    throw fail(field.name, "cannot rename and remove a field")
                }
                state.deletes.insert(field.fieldId)
            case .renameField(let name, let newName):
                try rename(name, to: newName, &state)
            }
        }
        var fields: [PartitionField] = []
        for var f in spec.fields {
            let newName = state.renames[f.name]
            if !state.deletes.contains(f.fieldId) {
                f.name = newName ?? f.name
            } else if formatVersion < 2 {
                // v1 finds partition values by position, so a removed field stays as `void`.
                f.name = newName ?? f.name
                f.transform = .void
            } else {
                continue
            }
            fields.append(f)
        }
        fields += state.adds
        let evolved = PartitionSpec(specId: spec.specId, fields: fields)
        try check(evolved, schema: schema)
        return evolved
    }

    private struct State {
        var nameToField: [String: PartitionField] = [:]
        var transformToField: [Key: PartitionField] = [:]
        var adds: [PartitionField] = []
        var nameToAdded: [String: PartitionField] = [:]
        var transformToAdded: [Key: PartitionField] = [:]
        var addedTimeFields: [Int: PartitionField] = [:]
        var deletes: Set<Int> = []
        var renames: [String: String] = [:]

        init(spec: PartitionSpec) {
            for f in spec.fields {
                nameToField[f.name] = f
                transformToField[Key(sourceId: f.sourceId, transform: f.transform.description)] = f
            }
        }
    }

    private func fail(_ field: String, _ rule: String) -> IcebergError {
        .invalidPartitionSpec("partition field '\(field)': \(rule)")
    }

    private func resolve(_ source: String, _ transform: Transform, schema: Schema) throws -> Key {
        let term = "\(transform)(\(source))"
        guard let column = schema.field(at: source, caseSensitive: caseSensitive) else {
            throw fail(term, "column '\(source)' is not in the schema")
        }
        if case .unknown(let name) = transform { throw fail(term, "unknown transform '\(name)'") }
        guard transform.canTransform(column.type) else {
            throw fail(term, "\(transform) cannot be applied to '\(source)' of type \(column.type)")
        }
        return Key(sourceId: column.id, transform: transform.description)
    }

    private mutating func add(
        _ source: String, _ transform: Transform, _ name: String?, schema: Schema, _ state: inout State
    ) throws {
        let term = "\(transform)(\(source))"
        if let name, state.nameToAdded[name] != nil { throw fail(name, "added twice") }
        let key = try resolve(source, transform, schema: schema)
        if let existing = state.transformToField[key] {
            // Adding back a field removed in the same change keeps it (renamed if asked).
            guard state.deletes.contains(existing.fieldId) else {
                throw fail(name ?? term, "the spec already partitions by \(term) (field '\(existing.name)')")
            }
            state.deletes.remove(existing.fieldId)
            if let name, name != existing.name { try rename(existing.name, to: name, &state) }
            return
        }
        guard state.transformToAdded[key] == nil else { throw fail(name ?? term, "\(term) added twice") }
        var field = recycledOrNewField(key.sourceId, transform, name)
        if field.name.isEmpty {
            field.name = Self.defaultName(schema.columnName(id: key.sourceId) ?? source, transform)
        }
        if transform.isTimeUnit {
            if let other = state.addedTimeFields[key.sourceId] {
                throw fail(field.name, "redundant with '\(other.name)' (\(other.transform) of the same column)")
            }
            state.addedTimeFields[key.sourceId] = field
        }
        state.transformToAdded[key] = field
        if let clash = state.nameToField[field.name] {
            if state.deletes.contains(clash.fieldId) {
                state.renames[clash.name] = "\(clash.name)_\(clash.fieldId)"
            } else if clash.transform == .void {
                try rename(clash.name, to: "\(clash.name)_\(clash.fieldId)", &state)
            } else {
                throw fail(field.name, "a partition field of that name exists")
            }
        }
        state.nameToAdded[field.name] = field
        state.adds.append(field)
    }

    private func rename(_ name: String, to newName: String, _ state: inout State) throws {
        if let clash = state.nameToField[newName], clash.transform == .void, clash.name != name {
            // A void field left by a v1 removal gives way to the new name.
            state.renames[clash.name] = "\(clash.name)_\(clash.fieldId)"
        }
        guard state.nameToAdded[name] == nil else { throw fail(name, "cannot rename a field added in the same change") }
        guard let field = state.nameToField[name] else { throw fail(name, "no such partition field") }
        guard !state.deletes.contains(field.fieldId) else { throw fail(name, "cannot remove and rename a field") }
        state.renames[name] = newName
    }

    /// In v2 an identical field (same source and transform, and name when one is given) of
    /// any earlier spec is reused with its id; otherwise a new id.
    private mutating func recycledOrNewField(_ sourceId: Int, _ transform: Transform, _ name: String?)
        -> PartitionField
    {
        if formatVersion >= 2 {
            for spec in historicalSpecs {
                for f in spec.fields where f.sourceId == sourceId && f.transform == transform {
                    if name == nil || f.name == name { return f }
                }
            }
        }
        lastPartitionId += 1
        return PartitionField(sourceId: sourceId, fieldId: lastPartitionId, name: name ?? "", transform: transform)
    }

    /// Java's default partition field name for a transform of a column.
    public static func defaultName(_ column: String, _ transform: Transform) -> String {
        switch transform {
        case .identity: column
        case .bucket(let n): "\(column)_bucket_\(n)"
        case .truncate(let w): "\(column)_trunc_\(w)"
        case .year: "\(column)_year"
        case .month: "\(column)_month"
        case .day: "\(column)_day"
        case .hour: "\(column)_hour"
        case .void: "\(column)_null"
        case .unknown(let t): "\(column)_\(t)"
        }
    }

    /// The spec's own rules, plus Java's: a name equal to a column's is only an identity
    /// partition of that column.
    private func check(_ spec: PartitionSpec, schema: Schema) throws {
        var names = Set<String>()
        for f in spec.fields {
            guard names.insert(f.name).inserted else { throw fail(f.name, "two fields have this name") }
            if let column = schema.field(at: f.name), f.transform != .void {
                guard f.transform == .identity && column.id == f.sourceId else {
                    throw fail(f.name, "the name is a column's; only an identity partition of that column may use it")
                }
            }
        }
        do { try spec.validate(schema) } catch let IcebergError.invalidSchema(m) {
            throw IcebergError.invalidPartitionSpec(m)
        }
    }
}

extension Transform {
    /// Whether the transform is a time unit (year, month, day, hour).
    public var isTimeUnit: Bool {
        switch self {
        case .year, .month, .day, .hour: true
        default: false
        }
    }
}
