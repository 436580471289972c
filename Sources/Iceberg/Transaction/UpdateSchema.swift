/// Evolves the table's schema (Java's `UpdateSchema`): adds, renames, drops, moves and widens
/// columns, changes nullability and docs, sets identifier fields, or unions in another
/// schema by name. The changes are applied in order to the current schema of each attempt
/// (so a commit that lost a race re-checks them against the winner's schema); the result
/// becomes a new current schema, and `schema.name-mapping.default`, when the table has one,
/// learns new and renamed columns. Nothing is committed when a change breaks a rule.
public struct UpdateSchema: TableAction {
    /// The changes, applied in order.
    public var changes: [SchemaChange]
    /// Whether names match ignoring case.
    public var caseSensitive = true
    /// Whether changes that can break readers are allowed (a required column without a
    /// default, making a column required).
    public var allowIncompatibleChanges = false

    /// An update with these changes.
    public init(_ changes: [SchemaChange], caseSensitive: Bool = true, allowIncompatibleChanges: Bool = false) {
        self.changes = changes
        self.caseSensitive = caseSensitive
        self.allowIncompatibleChanges = allowIncompatibleChanges
    }

    /// Records the new schema (nothing when the changes leave the schema as it is).
    public mutating func apply(to changes: inout PendingChanges) async throws {
        let m = changes.metadata
        var evolution = SchemaEvolution(
            formatVersion: m.formatVersion, lastColumnId: m.lastColumnId,
            partitionSourceIds: Set(m.defaultSpec.fields.map(\.sourceId)),
            sortSourceIds: Set(m.defaultSortOrder.fields.map(\.sourceId)), caseSensitive: caseSensitive,
            allowIncompatibleChanges: allowIncompatibleChanges)
        let current = m.currentSchema
        var evolved = try evolution.apply(self.changes, to: current)
        guard !evolved.isSame(as: current) else { return }
        // An identical earlier schema is reused, as Java does; otherwise a new id.
        if let same = m.schemas.first(where: { $0.isSame(as: evolved) }) {
            try changes.apply(.setCurrentSchema(same.schemaId))
        } else {
            evolved.schemaId = (m.schemas.map(\.schemaId).max() ?? -1) + 1
            try changes.apply(.addSchema(evolved))
            try changes.apply(.setCurrentSchema(-1))
        }
        if let mapping = NameMapping(metadata: m) {
            let updated = mapping.updated(for: evolved)
            if updated != mapping {
                try changes.apply(
                    .setProperties([(TableProperties.nameMappingDefault.key, updated.json.serialized())]))
            }
        }
    }
}

extension Transaction {
    /// Evolves the schema (see `UpdateSchema`).
    public mutating func updateSchema(
        _ changes: [SchemaChange], caseSensitive: Bool = true, allowIncompatibleChanges: Bool = false
    ) {
        add(UpdateSchema(changes, caseSensitive: caseSensitive, allowIncompatibleChanges: allowIncompatibleChanges))
    }
}

extension Table {
    /// Evolves the schema in one commit (see `UpdateSchema`).
    public func updateSchema(
        _ changes: [SchemaChange], caseSensitive: Bool = true, allowIncompatibleChanges: Bool = false
    ) async throws {
        var txn = newTransaction()
        txn.updateSchema(changes, caseSensitive: caseSensitive, allowIncompatibleChanges: allowIncompatibleChanges)
        try await txn.commit()
    }
}
