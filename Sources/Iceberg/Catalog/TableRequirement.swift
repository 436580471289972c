import JSONSupport

/// A condition a commit requires of the table's current metadata (REST spec requirements).
public enum TableRequirement: Sendable, Hashable {
    /// The table must not exist yet.
    case assertCreate
    /// The table UUID must match.
    case assertTableUUID(String)
    /// The ref must point at this snapshot (nil: the ref must not exist).
    case assertRefSnapshotId(ref: String, snapshotId: Int64?)
    /// The last assigned column id must match.
    case assertLastAssignedFieldId(Int)
    /// The current schema id must match.
    case assertCurrentSchemaId(Int)
    /// The last assigned partition id must match.
    case assertLastAssignedPartitionId(Int)
    /// The default spec id must match.
    case assertDefaultSpecId(Int)
    /// The default sort order id must match.
    case assertDefaultSortOrderId(Int)

    /// Checks the requirement; throws `CatalogError.commitConflict` naming what changed.
    public func check(_ metadata: TableMetadata?) throws {
        guard let m = metadata else {
            if case .assertCreate = self { return }
            throw CatalogError.commitConflict("the table does not exist")
        }
        switch self {
        case .assertCreate: throw CatalogError.commitConflict("the table already exists")
        case .assertTableUUID(let u):
            guard m.tableUUID == u else {
                throw CatalogError.commitConflict("table UUID is \(m.tableUUID), expected \(u)")
            }
        case .assertRefSnapshotId(let ref, let id):
            let current = m.ref(ref)?.snapshotId
            guard current == id else {
                throw CatalogError.commitConflict(
                    "branch \(ref) points at \(current.map(String.init) ?? "nothing"), expected \(id.map(String.init) ?? "nothing")"
                )
            }
        case .assertLastAssignedFieldId(let v):
            guard m.lastColumnId == v else {
                throw CatalogError.commitConflict("last column id is \(m.lastColumnId), expected \(v)")
            }
        case .assertCurrentSchemaId(let v):
            guard m.currentSchemaId == v else {
                throw CatalogError.commitConflict("current schema is \(m.currentSchemaId), expected \(v)")
            }
        case .assertLastAssignedPartitionId(let v):
            guard m.lastPartitionId == v else {
                throw CatalogError.commitConflict("last partition id is \(m.lastPartitionId), expected \(v)")
            }
        case .assertDefaultSpecId(let v):
            guard m.defaultSpecId == v else {
                throw CatalogError.commitConflict("default spec is \(m.defaultSpecId), expected \(v)")
            }
        case .assertDefaultSortOrderId(let v):
            guard m.defaultSortOrderId == v else {
                throw CatalogError.commitConflict("default sort order is \(m.defaultSortOrderId), expected \(v)")
            }
        }
    }

    /// Parses the REST JSON form (`{"type": "assert-ref-snapshot-id", "ref": "main", "snapshot-id": 1}`).
    public init(json j: JSONValue) throws {
        func int(_ key: String) throws -> Int {
            guard let v = j[key]?.intValue else {
                throw CatalogError.invalidArgument("requirement \(j["type"]?.stringValue ?? "?") lacks '\(key)'")
            }
            return Int(v)
        }
        switch j["type"]?.stringValue {
        case "assert-create": self = .assertCreate
        case "assert-table-uuid":
            guard let u = j["uuid"]?.stringValue else {
                throw CatalogError.invalidArgument("assert-table-uuid lacks 'uuid'")
            }
            self = .assertTableUUID(u)
        case "assert-ref-snapshot-id":
            guard let ref = j["ref"]?.stringValue else {
                throw CatalogError.invalidArgument("assert-ref-snapshot-id lacks 'ref'")
            }
            self = .assertRefSnapshotId(ref: ref, snapshotId: j["snapshot-id"]?.intValue)
        case "assert-last-assigned-field-id": self = .assertLastAssignedFieldId(try int("last-assigned-field-id"))
        case "assert-current-schema-id": self = .assertCurrentSchemaId(try int("current-schema-id"))
        case "assert-last-assigned-partition-id":
            self = .assertLastAssignedPartitionId(try int("last-assigned-partition-id"))
        case "assert-default-spec-id": self = .assertDefaultSpecId(try int("default-spec-id"))
        case "assert-default-sort-order-id": self = .assertDefaultSortOrderId(try int("default-sort-order-id"))
        case let other: throw CatalogError.invalidArgument("unknown requirement type '\(other ?? "none")'")
        }
    }

    /// The REST JSON form.
    public var json: JSONValue {
        switch self {
        case .assertCreate: return .object([("type", .string("assert-create"))])
        case .assertTableUUID(let u): return .object([("type", .string("assert-table-uuid")), ("uuid", .string(u))])
        case .assertRefSnapshotId(let r, let id):
            return .object([
                ("type", .string("assert-ref-snapshot-id")), ("ref", .string(r)),
                ("snapshot-id", id.map { .int($0) } ?? .null),
            ])
        case .assertLastAssignedFieldId(let v):
            return .object([
                ("type", .string("assert-last-assigned-field-id")), ("last-assigned-field-id", .int(Int64(v))),
            ])
        case .assertCurrentSchemaId(let v):
            return .object([("type", .string("assert-current-schema-id")), ("current-schema-id", .int(Int64(v)))])
        case .assertLastAssignedPartitionId(let v):
            return .object([
                ("type", .string("assert-last-assigned-partition-id")), ("last-assigned-partition-id", .int(Int64(v))),
            ])
        case .assertDefaultSpecId(let v):
            return .object([("type", .string("assert-default-spec-id")), ("default-spec-id", .int(Int64(v)))])
        case .assertDefaultSortOrderId(let v):
            return .object([
                ("type", .string("assert-default-sort-order-id")), ("default-sort-order-id", .int(Int64(v))),
            ])
        }
    }
}
