/// The metadata builder — the only way metadata changes: a new table's first version, each
/// change the spec's updates describe (`add-schema`, `add-snapshot`, `set-snapshot-ref`, …)
/// applied in place with the spec's rules for ids, logs and timestamps, and the step that
/// closes a commit (metadata log, update time). Catalogs apply commits through
/// `TableUpdate.apply`, which calls these.
extension TableMetadata {
    /// The format versions tables are created in and upgraded to (v2 is the default: Athena
    /// reads v1 and v2 only).
    public static let supportedFormatVersions = 1...3

    /// The first version of a new table's metadata; the spec must fit the schema.
    public static func newTable(
        schema: Schema, spec: PartitionSpec, sortOrder: SortOrder, location: String, properties: [(String, String)],
        formatVersion: Int, tableUUID: String, now: Int64
    ) throws -> TableMetadata {
        guard supportedFormatVersions.contains(formatVersion) else {
            throw MetadataChangeError.invalid("format version must be 1, 2 or 3, not \(formatVersion)")
        }
        try spec.validate(schema)
        return TableMetadata(
            formatVersion: formatVersion, tableUUID: tableUUID, location: location, schema: schema, spec: spec,
            sortOrder: sortOrder, properties: properties, lastUpdatedMs: now)
    }

    /// The starting point of a table built from creation updates alone (a REST staged
    /// create): no schema, spec or sort order yet, format version 1 until an update says
    /// otherwise. Apply the updates, then `completeCreation(formatVersionGiven:)`.
    public static func emptyForCreation(location: String, tableUUID: String, now: Int64) throws -> TableMetadata {
        var m = TableMetadata(
            formatVersion: 1, tableUUID: tableUUID, location: location, schema: try Schema(schemaId: 0, fields: []),
            spec: .unpartitioned, sortOrder: .unsorted, properties: [], lastUpdatedMs: now)
        m.schemas = []
        m.partitionSpecs = []
        m.sortOrders = []
        m.lastPartitionId = 999
        return m
    }

    /// Fills what creation updates left out, as a REST catalog does: format version 2 unless
    /// one was given, the last schema and spec current unless set, the unpartitioned spec and
    /// the unsorted order when none was added; the default spec must fit the current schema.
    public mutating func completeCreation(formatVersionGiven: Bool) throws {
        if !formatVersionGiven { formatVersion = 2 }
        guard let lastSchema = schemas.last else {
            throw MetadataChangeError.invalid("a table create needs an add-schema update")
        }
        if schema(id: currentSchemaId) == nil { currentSchemaId = lastSchema.schemaId }
        if partitionSpecs.isEmpty {
            partitionSpecs = [.unpartitioned]
            defaultSpecId = 0
        }
        if spec(id: defaultSpecId) == nil { defaultSpecId = partitionSpecs[partitionSpecs.count - 1].specId }
        lastPartitionId = max(lastPartitionId, partitionSpecs.map(\.lastAssignedFieldId).max() ?? 999)
        if sortOrders.isEmpty {
            sortOrders = [.unsorted]
            defaultSortOrderId = 0
        }
        if nextRowId == nil, formatVersion >= 3 { nextRowId = 0 }
        try defaultSpec.validate(currentSchema)
    }

    /// Closes a commit on top of the version at `previousLocation` (updated at
    /// `previousUpdatedMs`): the update time moves forward, the previous file joins the
    /// metadata log, and the log keeps the newest `write.metadata.previous-versions-max`
    /// entries. Returns the metadata files dropped from the log, oldest first.
    public mutating func completeCommit(previousLocation: String, previousUpdatedMs: Int64, now: Int64) throws
        -> [String]
    {
        lastUpdatedMs = max(now, previousUpdatedMs == .max ? .max : previousUpdatedMs + 1)
        metadataLog.append((timestampMs: previousUpdatedMs, metadataFile: previousLocation))
        let keep = max(0, try value(of: TableProperties.metadataPreviousVersionsMax))
        guard metadataLog.count > keep else { return [] }
        let dropped = metadataLog.prefix(metadataLog.count - keep).map(\.metadataFile)
        metadataLog.removeFirst(metadataLog.count - keep)
        return dropped
    }

    /// The same metadata listing only the snapshots a branch or tag points at (the REST
    /// `snapshots=refs` view; the logs are kept as they are).
    public var referencedSnapshotsOnly: TableMetadata {
        let referenced = Set(refs.map(\.1.snapshotId))
        var view = self
        view.snapshots.removeAll { !referenced.contains($0.snapshotId) }
        return view
    }

    /// Changes the table's base location.
    public mutating func setLocation(_ newLocation: String) {
        location = newLocation
    }

    /// Sets the UUID (only of a table without snapshots, or to the same value).
    public mutating func assignUUID(_ uuid: String) throws(MetadataChangeError) {
        let hex = uuid.split(separator: "-", omittingEmptySubsequences: false)
        guard hex.map(\.count) == [8, 4, 4, 4, 12], hex.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else {
            throw .invalid("'\(uuid)' is not a UUID")
        }
        guard tableUUID == uuid || snapshots.isEmpty else {
            throw .invalid("cannot change the UUID of a table with snapshots")
        }
        tableUUID = uuid
    }

    /// Adds a schema as Java's builder does: one with the same fields and identifier fields as
    /// a schema of the table takes that schema's id and adds nothing; any other takes the next
    /// id (the id it carries is not kept, so a client cannot overwrite or shadow a schema).
    /// `added` records it for a later `-1` ("the last added"). Ids (the schema's and its
    /// fields') are Iceberg `int`s.
    public mutating func addSchema(_ schema: Schema, added: inout AddedInCommit) throws(MetadataChangeError) {
        if let same = schemas.first(where: { $0.isSame(as: schema) }) {
            added.schema = added.schemaIds.contains(same.schemaId) ? same.schemaId : nil
            return
        }
        var s = schema
        s.schemaId = try Self.nextId(after: schemas.map(\.schemaId), atLeast: currentSchemaId, what: "schema")
        guard s.highestFieldId <= Self.maxId else {
            throw .invalid("schema has field id \(s.highestFieldId), above \(Self.maxId)")
        }
        schemas.append(s)
        lastColumnId = max(lastColumnId, s.highestFieldId)
        added.schemaIds.insert(s.schemaId)
        added.schema = s.schemaId
    }

    /// The largest id Iceberg's `int` ids (schemas, specs, sort orders, fields) can take.
    public static let maxId = Int(Int32.max)

    /// The id a new schema, spec or order takes: the next after `existing`, and no less than
    /// `atLeast`; it must be an `int`.
    private static func nextId(after existing: [Int], atLeast: Int, what: String) throws(MetadataChangeError) -> Int {
        let id = max(atLeast, (existing.max() ?? (atLeast - 1)) + 1)
        guard id <= maxId else { throw .invalid("no \(what) id is left after \(existing.max() ?? 0)") }
        return id
    }

    /// The id `-1` ("the last added", as set by an earlier update of the same commit) stands
    /// for, or `id` itself.
    private static func resolve(_ id: Int, lastAdded: Int?, what: String) throws(MetadataChangeError) -> Int {
        guard id == -1 else { return id }
        guard let lastAdded else { throw .invalid("no \(what) was added before in this commit") }
        return lastAdded
    }

    /// Makes a schema current (-1: the one last added in this commit).
    public mutating func setCurrentSchema(_ id: Int, added: AddedInCommit) throws(MetadataChangeError) {
        let target = try Self.resolve(id, lastAdded: added.schema, what: "schema")
        guard schema(id: target) != nil else { throw .invalid("no schema \(target)") }
        currentSchemaId = target
    }

    /// Adds a partition spec as Java's builder does: one partitioning as a spec of the table
    /// does (same source fields, transforms and names) takes that spec's id and adds nothing;
    /// any other takes the next id. `added` records it for a later `-1`.
    public mutating func addSpec(_ spec: PartitionSpec, added: inout AddedInCommit) throws(MetadataChangeError) {
        if let same = partitionSpecs.first(where: { $0.isCompatible(with: spec) }) {
            added.spec = added.specIds.contains(same.specId) ? same.specId : nil
            return
        }
        var s = spec
        s.specId = try Self.nextId(after: partitionSpecs.map(\.specId), atLeast: 0, what: "partition spec")
        guard s.lastAssignedFieldId <= Self.maxId, s.fields.allSatisfy({ $0.fieldId >= 0 }) else {
            throw .invalid("partition spec has a field id outside 0...\(Self.maxId)")
        }
        if let missing = s.fields.first(where: { !hasField($0.sourceId) }) {
            throw .invalid("partition field '\(missing.name)' has source id \(missing.sourceId), a field of no schema")
        }
        partitionSpecs.append(s)
        lastPartitionId = max(lastPartitionId, s.lastAssignedFieldId)
        added.specIds.insert(s.specId)
        added.spec = s.specId
    }

    /// Makes a spec the default (-1: the one last added in this commit).
    public mutating func setDefaultSpec(_ id: Int, added: AddedInCommit) throws(MetadataChangeError) {
        let target = try Self.resolve(id, lastAdded: added.spec, what: "partition spec")
        guard spec(id: target) != nil else { throw .invalid("no partition spec \(target)") }
        defaultSpecId = target
    }

    /// Adds a sort order as Java's builder does: the unsorted order is 0, one with the same
    /// fields as an order of the table takes that order's id and adds nothing, any other takes
    /// the next id from 1. `added` records it for a later `-1`.
    public mutating func addSortOrder(_ order: SortOrder, added: inout AddedInCommit) throws(MetadataChangeError) {
        let sameId = order.fields.isEmpty ? 0 : sortOrders.first(where: { $0.fields == order.fields })?.orderId
        if let sameId, sortOrders.contains(where: { $0.orderId == sameId }) {
            added.sortOrder = added.sortOrderIds.contains(sameId) ? sameId : nil
            return
        }
        var o = order
        if let sameId {
            o.orderId = sameId
        } else {
            o.orderId = try Self.nextId(after: sortOrders.map(\.orderId), atLeast: 1, what: "sort order")
        }
        if let missing = o.fields.first(where: { !hasField($0.sourceId) }) {
            throw .invalid("sort field of source id \(missing.sourceId) names a field of no schema")
        }
        sortOrders.append(o)
        added.sortOrderIds.insert(o.orderId)
        added.sortOrder = o.orderId
    }

    /// Whether some schema of the table has a field of this id (Java binds new specs and
    /// orders to the current schema; older specs may name columns dropped since).
    private func hasField(_ id: Int) -> Bool {
        schemas.contains { $0.field(id: id) != nil }
    }

    /// Removes schemas (Java's `removeSchemas`, used when expiring clears old metadata): ids
    /// the table does not have are ignored; the current schema cannot go.
    public mutating func removeSchemas(_ ids: [Int]) throws(MetadataChangeError) {
        guard !ids.contains(currentSchemaId) else {
            throw .invalid("cannot remove the current schema \(currentSchemaId)")
        }
        schemas.removeAll { ids.contains($0.schemaId) }
    }

    /// Removes partition specs: ids the table does not have are ignored; the default spec
    /// cannot go.
    public mutating func removePartitionSpecs(_ ids: [Int]) throws(MetadataChangeError) {
        guard !ids.contains(defaultSpecId) else {
            throw .invalid("cannot remove the default partition spec \(defaultSpecId)")
        }
        partitionSpecs.removeAll { ids.contains($0.specId) }
    }

    /// Makes a sort order the default (-1: the one last added in this commit); the order must exist.
    public mutating func setDefaultSortOrder(_ id: Int, added: AddedInCommit) throws(MetadataChangeError) {
        let target = try Self.resolve(id, lastAdded: added.sortOrder, what: "sort order")
        guard sortOrders.contains(where: { $0.orderId == target }) else { throw .invalid("no sort order \(target)") }
        defaultSortOrderId = target
    }

    /// Adds a snapshot; from v2 on its sequence number must be above the table's.
    public mutating func addSnapshot(_ s: Snapshot, now: Int64) throws(MetadataChangeError) {
        guard snapshot(id: s.snapshotId) == nil else { throw .invalid("snapshot \(s.snapshotId) already exists") }
        if formatVersion >= 2 && s.manifestList.isEmpty {
            throw .invalid("snapshot \(s.snapshotId) has no manifest-list (required from format version 2)")
        }
        guard s.sequenceNumber < Int64.max else {
            throw .invalid("sequence number \(s.sequenceNumber) leaves none for the next snapshot")
        }
        if formatVersion >= 2 && s.sequenceNumber <= lastSequenceNumber && s.parentSnapshotId != nil {
            throw .stale("sequence number \(s.sequenceNumber) is not above \(lastSequenceNumber)")
        }
        if formatVersion >= 3 {
            // Row lineage: the snapshot's rows take ids from next-row-id on.
            guard let first = s.firstRowId, let added = s.addedRows, added >= 0 else {
                throw .invalid("a v3 snapshot needs first-row-id and added-rows")
            }
            guard first >= (nextRowId ?? 0) else {
                throw .stale("first-row-id \(first) is below the table's next-row-id \(nextRowId ?? 0)")
            }
            guard added <= Int64.max - first else {
                throw .invalid("first-row-id \(first) plus added-rows \(added) is beyond the largest row id")
            }
            nextRowId = first + added
        }
        snapshots.append(s)
        lastSequenceNumber = max(lastSequenceNumber, s.sequenceNumber)
        lastUpdatedMs = max(now, s.timestampMs)
    }

    /// Points a branch or tag at a snapshot; moving `main` makes it current and logs it.
    public mutating func setRef(_ name: String, _ ref: SnapshotRef, now: Int64) throws(MetadataChangeError) {
        guard snapshot(id: ref.snapshotId) != nil else {
            throw .invalid("ref \(name) points at unknown snapshot \(ref.snapshotId)")
        }
        if let i = refs.firstIndex(where: { $0.0 == name }) { refs[i].1 = ref } else { refs.append((name, ref)) }
        if name == "main" {
            currentSnapshotId = ref.snapshotId
            snapshotLog.append(
                (timestampMs: snapshot(id: ref.snapshotId)?.timestampMs ?? now, snapshotId: ref.snapshotId))
        }
    }

    /// Removes snapshots, their log entries, the refs pointing at them and their statistics
    /// files. The current snapshot stays: removing it would leave `main` pointing nowhere.
    public mutating func removeSnapshots(_ ids: [Int64]) throws(MetadataChangeError) {
        let set = Set(ids)
        if let current = currentSnapshotId, set.contains(current) {
            throw .invalid("snapshot \(current) is the current snapshot and cannot be removed")
        }
        snapshots.removeAll { set.contains($0.snapshotId) }
        snapshotLog.removeAll { set.contains($0.snapshotId) }
        refs.removeAll { set.contains($0.1.snapshotId) }
        // Statistics files (kept verbatim) of removed snapshots go with them.
        for i in extraFields.indices where ["statistics", "partition-statistics"].contains(extraFields[i].0) {
            guard case .array(let items) = extraFields[i].1 else { continue }
            extraFields[i].1 = .array(
                items.filter { item in item["snapshot-id"]?.intValue.map { !set.contains($0) } ?? true })
        }
    }

    /// Removes a ref; removing `main` leaves the table without a current snapshot.
    public mutating func removeRef(_ name: String) {
        refs.removeAll { $0.0 == name }
        if name == "main" { currentSnapshotId = nil }
    }

    /// Sets properties (replacing values of keys present).
    public mutating func setProperties(_ updates: [(String, String)]) {
        for (k, v) in updates {
            if let i = properties.firstIndex(where: { $0.0 == k }) {
                properties[i].1 = v
            } else {
                properties.append((k, v))
            }
        }
    }

    /// Removes properties.
    public mutating func removeProperties(_ keys: [String]) {
        properties.removeAll { keys.contains($0.0) }
    }

    /// Upgrades the format version (never down, at most 3).
    public mutating func upgradeFormatVersion(_ version: Int) throws(MetadataChangeError) {
        guard version >= formatVersion, version <= 3 else {
            throw .invalid("cannot change format version \(formatVersion) to \(version)")
        }
        // Row lineage starts at the upgrade: rows written before have no ids (null `_row_id`).
        if version >= 3 && nextRowId == nil { nextRowId = 0 }
        formatVersion = version
    }
}

/// The schemas, specs and sort orders the updates of one commit have added so far, and the
/// last of each, which `-1` in `set-current-schema`, `set-default-spec` and
/// `set-default-sort-order` names (Java's builder keeps the same). One value per commit.
public struct AddedInCommit: Sendable, Hashable {
    /// Ids of schemas this commit added.
    public var schemaIds: Set<Int> = []
    /// Ids of partition specs this commit added.
    public var specIds: Set<Int> = []
    /// Ids of sort orders this commit added.
    public var sortOrderIds: Set<Int> = []
    /// The schema the last `add-schema` named, if this commit added it.
    public var schema: Int?
    /// The spec the last `add-spec` named, if this commit added it.
    public var spec: Int?
    /// The sort order the last `add-sort-order` named, if this commit added it.
    public var sortOrder: Int?

    /// Nothing added yet.
    public init() {}
}
