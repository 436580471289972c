/// The requirements that make a list of updates safe to apply to the metadata they were
/// built on (Java's `UpdateRequirements.forUpdateTable`): the table is the same table, and
/// every ref, schema, spec and sort-order setting the updates change still holds the value
/// it had in `base`.
enum UpdateRequirements {
    static func forUpdates(_ updates: [TableUpdate], base: TableMetadata, extra: [TableRequirement] = [])
        -> [TableRequirement]
    {
        var out: [TableRequirement] = [.assertTableUUID(base.tableUUID)]
        func add(_ r: TableRequirement) { if !out.contains(r) { out.append(r) } }
        for u in updates {
            switch u {
            case .setSnapshotRef(let name, _), .removeSnapshotRef(let name):
                add(.assertRefSnapshotId(ref: name, snapshotId: base.ref(name)?.snapshotId))
            case .addSchema: add(.assertLastAssignedFieldId(base.lastColumnId))
            case .setCurrentSchema: add(.assertCurrentSchemaId(base.currentSchemaId))
            case .addSpec: add(.assertLastAssignedPartitionId(base.lastPartitionId))
            case .setDefaultSpec: add(.assertDefaultSpecId(base.defaultSpecId))
            case .setDefaultSortOrder: add(.assertDefaultSortOrderId(base.defaultSortOrderId))
            case .removeSchemas, .removePartitionSpecs:
                // The current schema or default spec stays, and no branch moves: a writer on
                // an old schema or spec would write what the removed one describes.
                if case .removeSchemas = u {
                    add(.assertCurrentSchemaId(base.currentSchemaId))
                } else {
                    add(.assertDefaultSpecId(base.defaultSpecId))
                }
                for (name, ref) in base.refs where ref.type == .branch {
                    add(.assertRefSnapshotId(ref: name, snapshotId: ref.snapshotId))
                }
            case .assignUUID, .addSortOrder, .addSnapshot, .removeSnapshots, .setProperties, .removeProperties,
                .setLocation, .upgradeFormatVersion:
                break
            }
        }
        for r in extra { add(r) }
        return out
    }
}
