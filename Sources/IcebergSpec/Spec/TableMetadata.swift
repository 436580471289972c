import JSONSupport

/// A snapshot: the state of a table at some point, listed by a manifest list.
public struct Snapshot: Sendable, Hashable {
    /// Unique id.
    public var snapshotId: Int64
    /// The parent snapshot, if any.
    public var parentSnapshotId: Int64?
    /// Sequence number (0 in v1).
    public var sequenceNumber: Int64
    /// Creation time, ms since the epoch.
    public var timestampMs: Int64
    /// Location of the manifest list.
    public var manifestList: String
    /// Summary, starting with `operation`, in order.
    public var summary: [(String, String)]
    /// The current schema id when the snapshot was created.
    public var schemaId: Int?
    /// v3 row lineage: first row id.
    public var firstRowId: Int64?
    /// v3 row lineage: added rows.
    public var addedRows: Int64?

    /// Creates a snapshot.
    public init(
        snapshotId: Int64, parentSnapshotId: Int64?, sequenceNumber: Int64, timestampMs: Int64,
        manifestList: String, summary: [(String, String)], schemaId: Int?
    ) {
        self.snapshotId = snapshotId
        self.parentSnapshotId = parentSnapshotId
        self.sequenceNumber = sequenceNumber
        self.timestampMs = timestampMs
        self.manifestList = manifestList
        self.summary = summary
        self.schemaId = schemaId
    }

    /// A summary value.
    public func summary(_ key: String) -> String? { summary.first { $0.0 == key }?.1 }

    /// The operation (`append`, `overwrite`, `delete`, `replace`).
    public var operation: String { summary("operation") ?? "append" }

    /// Equality over all fields (summary order included).
    public static func == (a: Snapshot, b: Snapshot) -> Bool {
        a.snapshotId == b.snapshotId && a.parentSnapshotId == b.parentSnapshotId && a.sequenceNumber == b.sequenceNumber
            && a.timestampMs == b.timestampMs && a.manifestList == b.manifestList && a.schemaId == b.schemaId
            && a.summary.count == b.summary.count
            && zip(a.summary, b.summary).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            && a.firstRowId == b.firstRowId && a.addedRows == b.addedRows
    }

    /// Hashes the identity.
    public func hash(into h: inout Hasher) {
        h.combine(snapshotId)
        h.combine(manifestList)
    }

    package var json: JSONValue {
        var p: [(String, JSONValue)] = [("snapshot-id", .int(snapshotId))]
        if let parent = parentSnapshotId { p.append(("parent-snapshot-id", .int(parent))) }
        p.append(("sequence-number", .int(sequenceNumber)))
        p.append(("timestamp-ms", .int(timestampMs)))
        p.append(("manifest-list", .string(manifestList)))
        p.append(("summary", .object(summary.map { ($0.0, .string($0.1)) })))
        if let s = schemaId { p.append(("schema-id", .int(Int64(s)))) }
        if let f = firstRowId { p.append(("first-row-id", .int(f))) }
        if let a = addedRows { p.append(("added-rows", .int(a))) }
        return .object(p)
    }

    package init(json j: JSONValue) throws {
        guard let id = j["snapshot-id"]?.intValue, let ts = j["timestamp-ms"]?.intValue else {
            throw IcebergError.invalidJSON("snapshot without snapshot-id or timestamp-ms")
        }
        var summary: [(String, String)] = []
        if case .object(let pairs)? = j["summary"] {
            for (k, v) in pairs { summary.append((k, v.stringValue ?? v.serialized())) }
        }
        // v1 snapshots may list manifests inline instead of a manifest list.
        let list = j["manifest-list"]?.stringValue ?? ""
        self.init(
            snapshotId: id, parentSnapshotId: j["parent-snapshot-id"]?.intValue,
            sequenceNumber: j["sequence-number"]?.intValue ?? 0,
            timestampMs: ts, manifestList: list, summary: summary, schemaId: j["schema-id"]?.intValue.map(Int.init))
        if list.isEmpty, let manifests = j["manifests"]?.arrayValue {
            inlineManifests = manifests.compactMap { $0.stringValue }
        }
        firstRowId = j["first-row-id"]?.intValue
        addedRows = j["added-rows"]?.intValue
    }

    /// v1 only: manifest locations listed in the snapshot instead of a manifest list.
    public var inlineManifests: [String]? = nil
}

/// A named reference to a snapshot: a branch or a tag.
public struct SnapshotRef: Sendable, Hashable {
    /// Branch or tag.
    public enum Kind: String, Sendable, Hashable {
        /// A branch (moves with commits).
        case branch
        /// A tag (fixed).
        case tag
    }
    /// The snapshot.
    public var snapshotId: Int64
    /// Branch or tag.
    public var type: Kind
    /// Branch retention: snapshots to keep.
    public var minSnapshotsToKeep: Int?
    /// Branch retention: max snapshot age.
    public var maxSnapshotAgeMs: Int64?
    /// Max age of the ref itself.
    public var maxRefAgeMs: Int64?

    /// Creates a ref.
    public init(
        snapshotId: Int64, type: Kind, minSnapshotsToKeep: Int? = nil, maxSnapshotAgeMs: Int64? = nil,
        maxRefAgeMs: Int64? = nil
    ) {
        self.snapshotId = snapshotId
        self.type = type
        self.minSnapshotsToKeep = minSnapshotsToKeep
        self.maxSnapshotAgeMs = maxSnapshotAgeMs
        self.maxRefAgeMs = maxRefAgeMs
    }

    /// The JSON form.
    public var json: JSONValue {
        var p: [(String, JSONValue)] = [("snapshot-id", .int(snapshotId)), ("type", .string(type.rawValue))]
        if let v = minSnapshotsToKeep { p.append(("min-snapshots-to-keep", .int(Int64(v)))) }
        if let v = maxSnapshotAgeMs { p.append(("max-snapshot-age-ms", .int(v))) }
        if let v = maxRefAgeMs { p.append(("max-ref-age-ms", .int(v))) }
        return .object(p)
    }

    /// Parses the JSON form.
    public init(json j: JSONValue) throws {
        guard let id = j["snapshot-id"]?.intValue, let t = j["type"]?.stringValue, let kind = Kind(rawValue: t) else {
            throw IcebergError.invalidJSON("snapshot ref without snapshot-id or a valid type")
        }
        self.init(
            snapshotId: id, type: kind, minSnapshotsToKeep: j["min-snapshots-to-keep"]?.intValue.map(Int.init),
            maxSnapshotAgeMs: j["max-snapshot-age-ms"]?.intValue, maxRefAgeMs: j["max-ref-age-ms"]?.intValue)
    }
}

/// Table metadata (the `vN.metadata.json` file): schemas, specs, sort orders, properties,
/// snapshots, refs and logs, in format versions 1 to 3.
///
/// Read-only outside this module: every change goes through the metadata builder (the
/// mutating methods in `TableMetadataChanges.swift`), which enforces the spec's rules.
public struct TableMetadata: Sendable, Hashable {
    /// Format version.
    public internal(set) var formatVersion: Int
    /// Table UUID.
    public internal(set) var tableUUID: String
    /// Base location.
    public internal(set) var location: String
    /// Highest sequence number assigned.
    public internal(set) var lastSequenceNumber: Int64
    /// Last update time (ms).
    public internal(set) var lastUpdatedMs: Int64
    /// Highest column id assigned.
    public internal(set) var lastColumnId: Int
    /// All schemas.
    public internal(set) var schemas: [Schema]
    /// The current schema id.
    public internal(set) var currentSchemaId: Int
    /// All partition specs.
    public internal(set) var partitionSpecs: [PartitionSpec]
    /// The default spec id.
    public internal(set) var defaultSpecId: Int
    /// Highest partition field id assigned.
    public internal(set) var lastPartitionId: Int
    /// Table properties, in order.
    public internal(set) var properties: [(String, String)]
    /// The current snapshot (of `main`).
    public internal(set) var currentSnapshotId: Int64?
    /// Valid snapshots.
    public internal(set) var snapshots: [Snapshot]
    /// History of current snapshots.
    public internal(set) var snapshotLog: [(timestampMs: Int64, snapshotId: Int64)]
    /// Previous metadata files.
    public internal(set) var metadataLog: [(timestampMs: Int64, metadataFile: String)]
    /// All sort orders.
    public internal(set) var sortOrders: [SortOrder]
    /// The default sort order id.
    public internal(set) var defaultSortOrderId: Int
    /// Branches and tags by name.
    public internal(set) var refs: [(String, SnapshotRef)]
    /// v3: next row id.
    public internal(set) var nextRowId: Int64?
    /// Fields this library does not model (statistics, …), kept and written back unchanged.
    public internal(set) var extraFields: [(String, JSONValue)] = []

    /// Creates metadata for a new table.
    public init(
        formatVersion: Int, tableUUID: String, location: String, schema: Schema, spec: PartitionSpec,
        sortOrder: SortOrder, properties: [(String, String)], lastUpdatedMs: Int64
    ) {
        self.formatVersion = formatVersion
        self.tableUUID = tableUUID
        self.location = location
        lastSequenceNumber = 0
        self.lastUpdatedMs = lastUpdatedMs
        lastColumnId = schema.highestFieldId
        schemas = [schema]
        currentSchemaId = schema.schemaId
        partitionSpecs = [spec]
        defaultSpecId = spec.specId
        lastPartitionId = spec.lastAssignedFieldId
        self.properties = properties
        currentSnapshotId = nil
        snapshots = []
        snapshotLog = []
        metadataLog = []
        sortOrders = [sortOrder]
        defaultSortOrderId = sortOrder.orderId
        refs = []
        nextRowId = formatVersion >= 3 ? 0 : nil
    }

    /// The current schema.
    public var currentSchema: Schema { schemas.first { $0.schemaId == currentSchemaId } ?? schemas[0] }
    /// A schema by id.
    public func schema(id: Int) -> Schema? { schemas.first { $0.schemaId == id } }
    /// The default partition spec.
    public var defaultSpec: PartitionSpec { partitionSpecs.first { $0.specId == defaultSpecId } ?? partitionSpecs[0] }
    /// A spec by id.
    public func spec(id: Int) -> PartitionSpec? { partitionSpecs.first { $0.specId == id } }
    /// The default sort order.
    public var defaultSortOrder: SortOrder { sortOrders.first { $0.orderId == defaultSortOrderId } ?? .unsorted }
    /// A snapshot by id.
    public func snapshot(id: Int64) -> Snapshot? { snapshots.first { $0.snapshotId == id } }
    /// A random positive snapshot id no snapshot of the table has.
    package func unusedSnapshotId() -> Int64 {
        var id = Int64.random(in: 1...Int64.max)
        while snapshot(id: id) != nil { id = Int64.random(in: 1...Int64.max) }
        return id
    }
    /// The current snapshot of `main`.
    public var currentSnapshot: Snapshot? { currentSnapshotId.flatMap { snapshot(id: $0) } }
    /// A property value.
    public func property(_ key: String) -> String? { properties.last { $0.0 == key }?.1 }
    /// A ref by name.
    public func ref(_ name: String) -> SnapshotRef? { refs.first { $0.0 == name }?.1 }

    /// The snapshot that was current at a time (from the snapshot log, else by timestamp).
    public func snapshot(asOf timestampMs: Int64) -> Snapshot? {
        if let entry = snapshotLog.last(where: { $0.timestampMs <= timestampMs }) {
            return snapshot(id: entry.snapshotId)
        }
        return snapshots.filter { $0.timestampMs <= timestampMs }.max { $0.timestampMs < $1.timestampMs }
    }

    /// Equality over the JSON form.
    public static func == (a: TableMetadata, b: TableMetadata) -> Bool { a.json == b.json }
    /// Hashes the table identity.
    public func hash(into h: inout Hasher) {
        h.combine(tableUUID)
        h.combine(lastUpdatedMs)
    }

    // MARK: JSON

    /// The JSON form for this format version.
    public var json: JSONValue { .object(jsonPairs(withSnapshots: true)) }

    /// The JSON text, reusing what `history` holds from serializing an earlier version of this
    /// table: snapshots and snapshot-log entries are only ever appended (or removed by
    /// expiration), so a commit appends the text of its new snapshot to the joined text of the
    /// old ones instead of serializing the table's whole history. Equal to `json.serializedBytes()`.
    public func serializedBytes(reusing history: inout SerializedHistory) -> [UInt8] {
        Array(serializedParts(reusing: &history).joined())
    }

    /// The same text as `serializedBytes(reusing:)` in consecutive parts: the history's
    /// snapshot and snapshot-log texts are parts of their own, shared rather than copied, so
    /// a store can write a table with a long history without joining it in memory.
    public func serializedParts(reusing history: inout SerializedHistory) -> [[UInt8]] {
        history.update(snapshots: snapshots, log: snapshotLog)
        var parts: [[UInt8]] = []
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        out.append(UInt8(ascii: "{"))
        for (i, (key, value)) in jsonPairs(withSnapshots: false).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch key {
            case "snapshots", "snapshot-log":
                out.append(UInt8(ascii: "["))
                parts.append(out)
                parts.append(key == "snapshots" ? history.snapshotsText : history.logText)
                out = [UInt8(ascii: "]")]
                out.reserveCapacity(4096)
            default:
                value.appendSerialized(to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        parts.append(out)
        return parts
    }

    /// The top-level JSON fields; without snapshots, "snapshots" and "snapshot-log" hold empty arrays.
    private func jsonPairs(withSnapshots: Bool) -> [(String, JSONValue)] {
        var p: [(String, JSONValue)] = [
            ("format-version", .int(Int64(formatVersion))),
            ("table-uuid", .string(tableUUID)),
            ("location", .string(location)),
        ]
        if formatVersion >= 2 { p.append(("last-sequence-number", .int(lastSequenceNumber))) }
        p.append(("last-updated-ms", .int(lastUpdatedMs)))
        p.append(("last-column-id", .int(Int64(lastColumnId))))
        if formatVersion == 1 { p.append(("schema", currentSchema.json)) }
        p.append(("schemas", .array(schemas.map(\.json))))
        p.append(("current-schema-id", .int(Int64(currentSchemaId))))
        if formatVersion == 1 { p.append(("partition-spec", defaultSpec.fieldsJSON)) }
        p.append(("partition-specs", .array(partitionSpecs.map(\.json))))
        p.append(("default-spec-id", .int(Int64(defaultSpecId))))
        p.append(("last-partition-id", .int(Int64(lastPartitionId))))
        p.append(("properties", .object(properties.map { ($0.0, .string($0.1)) })))
        if let c = currentSnapshotId {
            p.append(("current-snapshot-id", .int(c)))
        } else if formatVersion == 1 {
            p.append(("current-snapshot-id", .int(-1)))
        }
        p.append(("snapshots", .array(withSnapshots ? snapshots.map(\.json) : [])))
        p.append(
            (
                "snapshot-log",
                .array(
                    withSnapshots
                        ? snapshotLog.map {
                            .object([("timestamp-ms", .int($0.timestampMs)), ("snapshot-id", .int($0.snapshotId))])
                        } : [])
            ))
        p.append(
            (
                "metadata-log",
                .array(
                    metadataLog.map {
                        .object([("timestamp-ms", .int($0.timestampMs)), ("metadata-file", .string($0.metadataFile))])
                    })
            ))
        p.append(("sort-orders", .array(sortOrders.map(\.json))))
        p.append(("default-sort-order-id", .int(Int64(defaultSortOrderId))))
        if formatVersion >= 2 || !refs.isEmpty { p.append(("refs", .object(refs.map { ($0.0, $0.1.json) }))) }
        if let n = nextRowId { p.append(("next-row-id", .int(n))) }
        p.append(contentsOf: extraFields)
        return p
    }

    static let modelled: Set<String> = [
        "format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms", "last-column-id",
        "schema",
        "schemas", "current-schema-id", "partition-spec", "partition-specs", "default-spec-id", "last-partition-id",
        "properties", "current-snapshot-id", "snapshots", "snapshot-log", "metadata-log", "sort-orders",
        "default-sort-order-id", "refs", "next-row-id",
    ]

    /// Parses metadata JSON (v1–v3); unknown fields are kept in `extraFields`. Read as strictly
    /// as Java's TableMetadataParser: what v1 may omit, v2 and later must hold.
    public init(json j: JSONValue) throws {
        guard case .object(let pairs) = j else { throw IcebergError.invalidJSON("table metadata must be an object") }
        let reader = try MetadataJSONReader(j)
        formatVersion = reader.version
        guard let location = j["location"]?.stringValue else {
            throw IcebergError.invalidJSON("table metadata without location")
        }
        self.location = location
        tableUUID = j["table-uuid"]?.stringValue ?? ""
        if formatVersion >= 2 && tableUUID.isEmpty {
            throw IcebergError.invalidJSON("v\(formatVersion) metadata without table-uuid")
        }
        lastSequenceNumber = formatVersion > 1 ? try reader.integer("last-sequence-number") : 0
        lastUpdatedMs = try reader.integer("last-updated-ms")
        lastColumnId = Int(try reader.integer("last-column-id"))
        (schemas, currentSchemaId) = try reader.schemas()
        (partitionSpecs, defaultSpecId) = try reader.partitionSpecs()
        lastPartitionId = try reader.lastPartitionId(partitionSpecs)
        properties = reader.properties()
        let current = j["current-snapshot-id"]?.intValue
        currentSnapshotId = current == -1 ? nil : current
        snapshots = try reader.snapshots(current: currentSnapshotId)
        (snapshotLog, metadataLog) = reader.logs()
        (sortOrders, defaultSortOrderId) = try reader.sortOrders()
        refs = try reader.refs(current: currentSnapshotId, snapshots: snapshots)
        nextRowId = formatVersion >= 3 ? try reader.integer("next-row-id") : j["next-row-id"]?.intValue
        extraFields = pairs.filter { !TableMetadata.modelled.contains($0.0) }
    }

    /// Parses metadata JSON text.
    public init(jsonText: String) throws {
        let value: JSONValue
        do { value = try JSONValue.parse(jsonText) } catch { throw IcebergError.invalidJSON("\(error)") }
        try self.init(json: value)
    }
}

/// The serialized `snapshots` and `snapshot-log` arrays of one table (their elements joined
/// by commas, without brackets), kept between commits so each commit serializes only what it
/// appended.
public struct SerializedHistory: Sendable {
    private var snapshotIds: [Int64] = []
    private var logEntries: [(timestampMs: Int64, snapshotId: Int64)] = []
    /// The snapshot objects, comma-separated.
    private(set) var snapshotsText: [UInt8] = []
    /// The snapshot-log objects, comma-separated.
    private(set) var logText: [UInt8] = []

    /// An empty history (the first serialization writes everything).
    public init() {}

    /// Brings the texts up to `snapshots` and `log`: appends when the held ones are a prefix,
    /// starts over otherwise (after an expiration).
    mutating func update(snapshots: [Snapshot], log: [(timestampMs: Int64, snapshotId: Int64)]) {
        if snapshotIds.count > snapshots.count
            || !snapshotIds.indices.allSatisfy({ snapshotIds[$0] == snapshots[$0].snapshotId })
        {
            snapshotIds = []
            snapshotsText = []
        }
        for k in snapshotIds.count..<snapshots.count {
            if k > 0 { snapshotsText.append(UInt8(ascii: ",")) }
            snapshots[k].json.appendSerialized(to: &snapshotsText)
            snapshotIds.append(snapshots[k].snapshotId)
        }
        if logEntries.count > log.count || !logEntries.indices.allSatisfy({ logEntries[$0] == log[$0] }) {
            logEntries = []
            logText = []
        }
        for k in logEntries.count..<log.count {
            if k > 0 { logText.append(UInt8(ascii: ",")) }
            logText.append(contentsOf: #"{"timestamp-ms":"#.utf8)
            JSONValue.writeInteger(log[k].timestampMs, to: &logText)
            logText.append(contentsOf: #","snapshot-id":"#.utf8)
            JSONValue.writeInteger(log[k].snapshotId, to: &logText)
            logText.append(UInt8(ascii: "}"))
            logEntries.append(log[k])
        }
    }
}

extension TableMetadata {
    /// A snapshot and its ancestors, newest first.
    public func ancestors(of id: Int64) -> [Snapshot] {
        let byId = Dictionary(snapshots.map { ($0.snapshotId, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Snapshot] = []
        var seen: Set<Int64> = []
        var next: Int64? = id
        while let n = next, let s = byId[n], seen.insert(n).inserted {
            out.append(s)
            next = s.parentSnapshotId
        }
        return out
    }

    /// The snapshot a commit to `branch` builds on: the branch's head, or for a branch that
    /// does not exist yet the current snapshot (a new branch forks from `main`, as in Java).
    public func head(of branch: String) -> Snapshot? {
        guard let ref = ref(branch) else { return currentSnapshot }
        return snapshot(id: ref.snapshotId)
    }

    /// The current snapshot and its ancestors, newest first.
    public var ancestorsOfCurrent: [Snapshot] { currentSnapshotId.map { ancestors(of: $0) } ?? [] }

    /// Whether a snapshot is the current one or one of its ancestors.
    public func isAncestorOfCurrent(_ id: Int64) -> Bool { ancestorsOfCurrent.contains { $0.snapshotId == id } }
}

/// Reads the parts of a metadata JSON object, with the strictness of Java's parser per format
/// version: a field v2 requires is an error naming it when missing.
private struct MetadataJSONReader {
    let j: JSONValue
    let version: Int

    init(_ j: JSONValue) throws {
        guard let version = j["format-version"]?.intValue, (1...3).contains(version) else {
            throw IcebergError.invalidJSON(
                "unsupported format-version \(j["format-version"]?.serialized() ?? "missing")")
        }
        self.j = j
        self.version = Int(version)
    }

    func missing(_ field: String) -> IcebergError {
        .invalidJSON("\(field) must exist in format v\(version) table metadata")
    }

    func integer(_ field: String) throws -> Int64 {
        guard let value = j[field] else { throw missing(field) }
        guard let i = value.intValue else {
            throw IcebergError.invalidJSON("\(field) is not an integer: \(value.serialized())")
        }
        return i
    }

    func array(_ field: String) throws -> [JSONValue]? {
        guard let value = j[field] else { return nil }
        guard let list = value.arrayValue else { throw IcebergError.invalidJSON("\(field) is not an array") }
        return list
    }

    /// An array of entries with the field that picks the current one, which must name one.
    func entries<T>(_ field: String, current idField: String, _ parse: (JSONValue) throws -> T, id: (T) -> Int)
        throws -> (entries: [T], current: Int)?
    {
        guard let list = try array(field) else { return nil }
        let parsed = try list.map(parse)
        let current = Int(try integer(idField))
        guard parsed.contains(where: { id($0) == current }) else {
            throw IcebergError.invalidJSON("\(idField) \(current) names none of the \(field)")
        }
        return (parsed, current)
    }

    func schemas() throws -> ([Schema], Int) {
        if let (parsed, current) = try entries(
            "schemas", current: "current-schema-id", { try Schema(json: $0) }, id: \.schemaId)
        {
            return (parsed, current)
        }
        if version == 1, let s = j["schema"] {
            let schema = try Schema(json: s)
            return ([schema], schema.schemaId)
        }
        throw missing(version == 1 ? "schemas or schema" : "schemas")
    }

    func partitionSpecs() throws -> ([PartitionSpec], Int) {
        if let (parsed, defaultId) = try entries(
            "partition-specs", current: "default-spec-id", { try PartitionSpec(json: $0) }, id: \.specId)
        {
            return (parsed, defaultId)
        }
        if version == 1, let fields = j["partition-spec"] {
            return ([try PartitionSpec(json: fields)], 0)
        }
        throw missing(version == 1 ? "partition-specs or partition-spec" : "partition-specs")
    }

    func lastPartitionId(_ specs: [PartitionSpec]) throws -> Int {
        if version > 1 { return Int(try integer("last-partition-id")) }
        return Int(j["last-partition-id"]?.intValue ?? Int64(specs.map(\.lastAssignedFieldId).max() ?? 999))
    }

    func properties() -> [(String, String)] {
        guard case .object(let pairs)? = j["properties"] else { return [] }
        return pairs.map { k, v in (k, v.stringValue ?? v.serialized()) }
    }

    func snapshots(current: Int64?) throws -> [Snapshot] {
        let parsed = try (try array("snapshots") ?? []).map { try Snapshot(json: $0) }
        if let c = current, !parsed.contains(where: { $0.snapshotId == c }) {
            throw IcebergError.invalidJSON("current-snapshot-id \(c) names none of the snapshots")
        }
        return parsed
    }

    func logs() -> (
        snapshots: [(timestampMs: Int64, snapshotId: Int64)], metadata: [(timestampMs: Int64, metadataFile: String)]
    ) {
        let snapshotLog = (j["snapshot-log"]?.arrayValue ?? []).compactMap { e -> (Int64, Int64)? in
            guard let t = e["timestamp-ms"]?.intValue, let s = e["snapshot-id"]?.intValue else { return nil }
            return (t, s)
        }
        let metadataLog = (j["metadata-log"]?.arrayValue ?? []).compactMap { e -> (Int64, String)? in
            guard let t = e["timestamp-ms"]?.intValue, let f = e["metadata-file"]?.stringValue else { return nil }
            return (t, f)
        }
        return (
            snapshotLog.map { (timestampMs: $0.0, snapshotId: $0.1) },
            metadataLog.map { (timestampMs: $0.0, metadataFile: $0.1) }
        )
    }

    func sortOrders() throws -> ([SortOrder], Int) {
        if let (parsed, defaultId) = try entries(
            "sort-orders", current: "default-sort-order-id", { try SortOrder(json: $0) }, id: \.orderId)
        {
            return (parsed, defaultId)
        }
        if version == 1 { return ([.unsorted], 0) }
        throw missing("sort-orders")
    }

    /// The refs, with `main` added for a current snapshot that has none; each must point at a
    /// snapshot that exists and `main` at the current one.
    func refs(current: Int64?, snapshots: [Snapshot]) throws -> [(String, SnapshotRef)] {
        var refs: [(String, SnapshotRef)] = []
        if case .object(let r)? = j["refs"] { for (k, v) in r { refs.append((k, try SnapshotRef(json: v))) } }
        if let c = current, !refs.contains(where: { $0.0 == "main" }) {
            refs.insert(("main", SnapshotRef(snapshotId: c, type: .branch)), at: 0)
        }
        for (name, ref) in refs where !snapshots.contains(where: { $0.snapshotId == ref.snapshotId }) {
            throw IcebergError.invalidJSON(
                "ref \(name) points at snapshot \(ref.snapshotId), which is not in snapshots")
        }
        if let main = refs.first(where: { $0.0 == "main" })?.1, main.snapshotId != current {
            throw IcebergError.invalidJSON(
                "current-snapshot-id \(current.map(String.init) ?? "null") does not match the main branch (\(main.snapshotId))"
            )
        }
        return refs
    }
}
