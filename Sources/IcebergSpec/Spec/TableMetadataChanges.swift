/// A change to table metadata that cannot be applied: what, and why.
public enum MetadataChangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The change contradicts the metadata (an unknown schema id, a lower format version, …).
    case invalid(String)
    /// The change was built on older metadata (a snapshot's sequence number is not above the
    /// table's): rebuilding it on the current metadata may succeed.
    case stale(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalid(let m): return m
        case .stale(let m): return m
        }
    }
}

/// The metadata builder: each change the spec's updates describe (`add-schema`,
/// `add-snapshot`, `set-snapshot-ref`, …), applied in place with the spec's rules for ids,
/// logs and timestamps. Catalogs apply commits through `TableUpdate.apply`, which calls these.
extension TableMetadata {
    /// Sets the UUID (only of a table without snapshots, or to the same value).
    public mutating func assignUUID(_ uuid: String) throws(MetadataChangeError) {
        guard tableUUID == uuid || snapshots.isEmpty else {
            throw .invalid("cannot change the UUID of a table with snapshots")
        }
        tableUUID = uuid
    }

    /// Adds a schema (id -1: the next free id); a schema id already present is left alone.
    public mutating func addSchema(_ schema: Schema) {
        var s = schema
        if s.schemaId == -1 { s.schemaId = (schemas.map(\.schemaId).max() ?? -1) + 1 }
        guard self.schema(id: s.schemaId) == nil else { return }
        schemas.append(s)
        lastColumnId = max(lastColumnId, s.highestFieldId)
    }

    /// Makes a schema current (-1: the last added).
    public mutating func setCurrentSchema(_ id: Int) throws(MetadataChangeError) {
        let target = id == -1 ? (schemas.last?.schemaId ?? 0) : id
        guard schema(id: target) != nil else { throw .invalid("no schema \(target)") }
        currentSchemaId = target
    }

    /// Adds a partition spec (id -1: the next free id); a spec id already present is left alone.
    public mutating func addSpec(_ spec: PartitionSpec) {
        var s = spec
        if s.specId == -1 { s.specId = (partitionSpecs.map(\.specId).max() ?? -1) + 1 }
        guard self.spec(id: s.specId) == nil else { return }
        partitionSpecs.append(s)
        lastPartitionId = max(lastPartitionId, s.lastAssignedFieldId)
    }

    /// Makes a spec the default (-1: the last added).
    public mutating func setDefaultSpec(_ id: Int) throws(MetadataChangeError) {
        let target = id == -1 ? (partitionSpecs.last?.specId ?? 0) : id
        guard spec(id: target) != nil else { throw .invalid("no partition spec \(target)") }
        defaultSpecId = target
    }

    /// Adds a sort order (id -1: the next free id, 0 for the unsorted order).
    public mutating func addSortOrder(_ order: SortOrder) {
        var o = order
        if o.orderId == -1 { o.orderId = o.fields.isEmpty ? 0 : max(1, (sortOrders.map(\.orderId).max() ?? 0) + 1) }
        guard !sortOrders.contains(where: { $0.orderId == o.orderId }) else { return }
        sortOrders.append(o)
    }

    /// Makes a sort order the default (-1: the last added).
    public mutating func setDefaultSortOrder(_ id: Int) {
        defaultSortOrderId = id == -1 ? (sortOrders.last?.orderId ?? 0) : id
    }

    /// Adds a snapshot; from v2 on its sequence number must be above the table's.
    public mutating func addSnapshot(_ s: Snapshot, now: Int64) throws(MetadataChangeError) {
        guard snapshot(id: s.snapshotId) == nil else { throw .invalid("snapshot \(s.snapshotId) already exists") }
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

    /// Removes snapshots, their log entries, the refs pointing at them and their statistics files.
    public mutating func removeSnapshots(_ ids: [Int64]) {
        let set = Set(ids)
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
