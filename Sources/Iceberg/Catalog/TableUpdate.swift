import JSONSupport

/// A change to table metadata (REST spec updates).
public enum TableUpdate: Sendable, Hashable {
    /// Sets the table UUID (only when creating a table, or to the same value).
    case assignUUID(String)
    /// Adds a schema.
    case addSchema(Schema)
    /// Sets the current schema (-1: the last added).
    case setCurrentSchema(Int)
    /// Adds a partition spec.
    case addSpec(PartitionSpec)
    /// Sets the default spec (-1: the last added).
    case setDefaultSpec(Int)
    /// Adds a sort order.
    case addSortOrder(SortOrder)
    /// Sets the default sort order (-1: the last added).
    case setDefaultSortOrder(Int)
    /// Adds a snapshot.
    case addSnapshot(Snapshot)
    /// Points a branch or tag at a snapshot.
    case setSnapshotRef(name: String, ref: SnapshotRef)
    /// Removes snapshots.
    case removeSnapshots([Int64])
    /// Removes a ref.
    case removeSnapshotRef(String)
    /// Sets properties.
    case setProperties([(String, String)])
    /// Removes properties.
    case removeProperties([String])
    /// Changes the location.
    case setLocation(String)
    /// Upgrades the format version.
    case upgradeFormatVersion(Int)
    /// Removes schemas (never the current one).
    case removeSchemas([Int])
    /// Removes partition specs (never the default one).
    case removePartitionSpecs([Int])

    /// Equality by the REST JSON form.
    public static func == (a: TableUpdate, b: TableUpdate) -> Bool { a.json == b.json }
    /// Hashes the REST JSON form.
    public func hash(into h: inout Hasher) { h.combine(json) }

    /// Parses the REST JSON form (`{"action": "add-snapshot", "snapshot": {…}}`). A schema,
    /// spec or sort order without an id gets the next free one when applied.
    public init(json j: JSONValue) throws {
        let action = j["action"]?.stringValue ?? "none"
        func field(_ key: String) throws -> JSONValue {
            guard let v = j[key], v != .null else {
                throw CatalogError.invalidArgument("update \(action) lacks '\(key)'")
            }
            return v
        }
        func int(_ key: String) throws -> Int {
            guard let v = try field(key).intValue else {
                throw CatalogError.invalidArgument("update \(action): '\(key)' is not an integer")
            }
            return Int(v)
        }
        func ints(_ key: String) throws -> [Int] {
            guard let a = try field(key).arrayValue, let ids = Optional(a.compactMap(\.intValue)), ids.count == a.count,
                let ints = Optional(ids.compactMap { Int32(exactly: $0).map(Int.init) }), ints.count == ids.count
            else {
                throw CatalogError.invalidArgument("update \(action): '\(key)' is not an array of int ids")
            }
            return ints
        }
        func strings(_ key: String) throws -> [String] {
            guard let a = try field(key).arrayValue else {
                throw CatalogError.invalidArgument("update \(action): '\(key)' is not an array")
            }
            return a.compactMap(\.stringValue)
        }
        do {
            switch action {
            case "assign-uuid":
                guard let u = try field("uuid").stringValue else {
                    throw CatalogError.invalidArgument("assign-uuid: 'uuid' is not a string")
                }
                self = .assignUUID(u)
            case "upgrade-format-version": self = .upgradeFormatVersion(try int("format-version"))
            case "add-schema":
                var schema = try field("schema")
                if schema["schema-id"] == nil, case .object(let pairs) = schema {
                    schema = .object(pairs + [("schema-id", .int(-1))])
                }
                self = .addSchema(try Schema(json: schema))
            case "set-current-schema": self = .setCurrentSchema(try int("schema-id"))
            case "add-spec": self = .addSpec(try PartitionSpec(json: try field("spec"), specIdDefault: -1))
            case "set-default-spec": self = .setDefaultSpec(try int("spec-id"))
            case "add-sort-order":
                var order = try field("sort-order")
                if order["order-id"] == nil, case .object(let pairs) = order {
                    order = .object(pairs + [("order-id", .int(-1))])
                }
                self = .addSortOrder(try SortOrder(json: order))
            case "set-default-sort-order": self = .setDefaultSortOrder(try int("sort-order-id"))
            case "add-snapshot": self = .addSnapshot(try Snapshot(json: try field("snapshot")))
            case "set-snapshot-ref":
                guard let name = try field("ref-name").stringValue else {
                    throw CatalogError.invalidArgument("set-snapshot-ref: 'ref-name' is not a string")
                }
                self = .setSnapshotRef(name: name, ref: try SnapshotRef(json: j))
            case "remove-snapshots":
                guard let ids = try field("snapshot-ids").arrayValue?.compactMap(\.intValue) else {
                    throw CatalogError.invalidArgument("remove-snapshots: 'snapshot-ids' is not an array")
                }
                self = .removeSnapshots(ids)
            case "remove-snapshot-ref":
                guard let name = try field("ref-name").stringValue else {
                    throw CatalogError.invalidArgument("remove-snapshot-ref: 'ref-name' is not a string")
                }
                self = .removeSnapshotRef(name)
            case "set-properties":
                guard case .object(let pairs) = try field("updates") else {
                    throw CatalogError.invalidArgument("set-properties: 'updates' is not an object")
                }
                self = .setProperties(pairs.compactMap { k, v in v.stringValue.map { (k, $0) } })
            case "remove-properties": self = .removeProperties(try strings("removals"))
            case "set-location":
                guard let l = try field("location").stringValue else {
                    throw CatalogError.invalidArgument("set-location: 'location' is not a string")
                }
                self = .setLocation(l)
            case "remove-schemas": self = .removeSchemas(try ints("schema-ids"))
            case "remove-partition-specs": self = .removePartitionSpecs(try ints("spec-ids"))
            default: throw CatalogError.invalidArgument("unsupported update action '\(action)'")
            }
        } catch let error as IcebergError {
            throw CatalogError.invalidArgument("update \(action): \(error)")
        }
    }

    /// The REST JSON form.
    public var json: JSONValue {
        func obj(_ action: String, _ rest: [(String, JSONValue)]) -> JSONValue {
            .object([("action", .string(action))] + rest)
        }
        switch self {
        case .assignUUID(let u): return obj("assign-uuid", [("uuid", .string(u))])
        case .addSchema(let s): return obj("add-schema", [("schema", s.json)])
        case .setCurrentSchema(let id): return obj("set-current-schema", [("schema-id", .int(Int64(id)))])
        case .addSpec(let s): return obj("add-spec", [("spec", s.json)])
        case .setDefaultSpec(let id): return obj("set-default-spec", [("spec-id", .int(Int64(id)))])
        case .addSortOrder(let o): return obj("add-sort-order", [("sort-order", o.json)])
        case .setDefaultSortOrder(let id): return obj("set-default-sort-order", [("sort-order-id", .int(Int64(id)))])
        case .addSnapshot(let s): return obj("add-snapshot", [("snapshot", s.json)])
        case .setSnapshotRef(let name, let ref):
            guard case .object(let pairs) = ref.json else { return .null }
            return obj("set-snapshot-ref", [("ref-name", .string(name))] + pairs)
        case .removeSnapshots(let ids): return obj("remove-snapshots", [("snapshot-ids", .array(ids.map { .int($0) }))])
        case .removeSnapshotRef(let name): return obj("remove-snapshot-ref", [("ref-name", .string(name))])
        case .setProperties(let p):
            return obj("set-properties", [("updates", .object(p.map { ($0.0, .string($0.1)) }))])
        case .removeProperties(let keys):
            return obj("remove-properties", [("removals", .array(keys.map { .string($0) }))])
        case .setLocation(let l): return obj("set-location", [("location", .string(l))])
        case .upgradeFormatVersion(let v): return obj("upgrade-format-version", [("format-version", .int(Int64(v)))])
        case .removeSchemas(let ids):
            return obj("remove-schemas", [("schema-ids", .array(ids.map { .int(Int64($0)) }))])
        case .removePartitionSpecs(let ids):
            return obj("remove-partition-specs", [("spec-ids", .array(ids.map { .int(Int64($0)) }))])
        }
    }

    /// Applies the update to metadata (pure), as a catalog does on commit, through the
    /// metadata builder (`TableMetadata.addSchema`, …); `added` holds what the commit's earlier
    /// updates added (one value for all the updates of a commit, in order). An inapplicable
    /// update is `CatalogError.invalidCommit`, one built on older metadata `commitConflict`.
    public func apply(to m: inout TableMetadata, now: Int64, added: inout AddedInCommit) throws {
        do {
            switch self {
            case .assignUUID(let u): try m.assignUUID(u)
            case .addSchema(let s): try m.addSchema(s, added: &added)
            case .setCurrentSchema(let id): try m.setCurrentSchema(id, added: added)
            case .addSpec(let s): try m.addSpec(s, added: &added)
            case .setDefaultSpec(let id): try m.setDefaultSpec(id, added: added)
            case .addSortOrder(let o): try m.addSortOrder(o, added: &added)
            case .setDefaultSortOrder(let id): try m.setDefaultSortOrder(id, added: added)
            case .addSnapshot(let s): try m.addSnapshot(s, now: now)
            case .setSnapshotRef(let name, let ref): try m.setRef(name, ref, now: now)
            case .removeSnapshots(let ids): try m.removeSnapshots(ids)
            case .removeSnapshotRef(let name): m.removeRef(name)
            case .setProperties(let updates): m.setProperties(updates)
            case .removeProperties(let keys): m.removeProperties(keys)
            case .setLocation(let l): m.setLocation(l)
            case .upgradeFormatVersion(let v): try m.upgradeFormatVersion(v)
            case .removeSchemas(let ids): try m.removeSchemas(ids)
            case .removePartitionSpecs(let ids): try m.removePartitionSpecs(ids)
            }
        } catch {
            // Named by the update's action, as a REST client sent it (`add-schema: …`).
            let action = json["action"]?.stringValue ?? "update"
            switch error {
            case .invalid(let message): throw CatalogError.invalidCommit("\(action): \(message)")
            case .stale(let message): throw CatalogError.commitConflict("\(action): \(message)")
            }
        }
    }
}

extension TableMetadata {
    /// The updates that turn an empty table into this one's initial state (no snapshots).
    public var creationUpdates: [TableUpdate] {
        var out: [TableUpdate] = [.assignUUID(tableUUID), .upgradeFormatVersion(formatVersion)]
        for s in schemas { out.append(.addSchema(s)) }
        out.append(.setCurrentSchema(currentSchemaId))
        for s in partitionSpecs { out.append(.addSpec(s)) }
        out.append(.setDefaultSpec(defaultSpecId))
        for o in sortOrders { out.append(.addSortOrder(o)) }
        out.append(.setDefaultSortOrder(defaultSortOrderId))
        out.append(.setLocation(location))
        if !properties.isEmpty { out.append(.setProperties(properties)) }
        return out
    }

    /// Metadata built from creation updates alone (`assign-uuid`, `add-schema`, …) as a REST
    /// catalog does for a staged create; `location` is used unless a `set-location` says otherwise.
    public static func fromCreationUpdates(_ updates: [TableUpdate], defaultLocation: String, now: Int64) throws
        -> TableMetadata
    {
        var m = try TableMetadata.emptyForCreation(location: defaultLocation, tableUUID: RandomUUID.make(), now: now)
        var sawVersion = false
        var added = AddedInCommit()
        for u in updates {
            if case .upgradeFormatVersion = u { sawVersion = true }
            try u.apply(to: &m, now: now, added: &added)
        }
        do {
            try m.completeCreation(formatVersionGiven: sawVersion)
        } catch let error as MetadataChangeError {
            throw CatalogError.invalidCommit(error.description)
        }
        return m
    }
}
