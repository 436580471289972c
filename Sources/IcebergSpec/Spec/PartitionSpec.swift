import JSONSupport

/// One field of a partition spec: a transform of a source column.
public struct PartitionField: Sendable, Hashable {
    /// The source column's field id.
    public var sourceId: Int
    /// The partition field id (1000 and up).
    public var fieldId: Int
    /// The partition field name.
    public var name: String
    /// The transform.
    public var transform: Transform

    /// Creates a partition field.
    public init(sourceId: Int, fieldId: Int, name: String, transform: Transform) {
        self.sourceId = sourceId
        self.fieldId = fieldId
        self.name = name
        self.transform = transform
    }
}

/// How a table's rows map to partitions.
public struct PartitionSpec: Sendable, Hashable {
    /// Spec id within the table metadata.
    public var specId: Int
    /// The fields, in partition tuple order.
    public var fields: [PartitionField]

    /// Creates a spec.
    public init(specId: Int = 0, fields: [PartitionField] = []) {
        self.specId = specId
        self.fields = fields
    }

    /// The unpartitioned spec.
    public static let unpartitioned = PartitionSpec()

    /// Whether the spec has no (non-void) fields.
    public var isUnpartitioned: Bool { fields.allSatisfy { $0.transform == .void } }

    /// The highest partition field id (999 when empty).
    public var lastAssignedFieldId: Int { fields.map(\.fieldId).max() ?? 999 }

    /// The struct type of partition tuples for a schema (optional fields with the partition field ids).
    public func partitionType(_ schema: Schema) throws -> StructType {
        StructType(
            try fields.map { f in
                guard let source = schema.field(id: f.sourceId) else {
                    throw IcebergError.invalidSchema(
                        "partition field '\(f.name)' refers to missing column id \(f.sourceId)")
                }
                return NestedField(
                    id: f.fieldId, name: f.name, required: false, type: f.transform.resultType(source.type))
            })
    }

    /// Checks the spec against a schema: sources exist, are primitive and accept the transform.
    public func validate(_ schema: Schema) throws {
        var names = Set<String>()
        for f in fields {
            guard let source = schema.field(id: f.sourceId) else {
                throw IcebergError.invalidSchema(
                    "partition field '\(f.name)' refers to missing column id \(f.sourceId)")
            }
            guard f.transform.canTransform(source.type) else {
                throw IcebergError.invalidSchema(
                    "transform \(f.transform) cannot be applied to \(source.name) of type \(source.type)")
            }
            guard names.insert(f.name).inserted else {
                throw IcebergError.invalidSchema("duplicate partition field name '\(f.name)'")
            }
        }
    }

    /// The JSON form (`{"spec-id": …, "fields": […]}`).
    public var json: JSONValue {
        .object([("spec-id", .int(Int64(specId))), ("fields", fieldsJSON)])
    }

    /// Only the fields list (the form in manifests and v1 metadata).
    public var fieldsJSON: JSONValue {
        .array(
            fields.map { f in
                .object([
                    ("name", .string(f.name)), ("transform", .string(f.transform.description)),
                    ("source-id", .int(Int64(f.sourceId))), ("field-id", .int(Int64(f.fieldId))),
                ])
            })
    }

    /// Parses the object form, or a bare field list (v1), assigning ids from 1000 when absent.
    public init(json: JSONValue, specIdDefault: Int = 0) throws {
        let list: [JSONValue]
        if case .array(let a) = json {
            list = a
            specId = specIdDefault
        } else {
            guard let a = json["fields"]?.arrayValue else {
                throw IcebergError.invalidJSON("partition spec without fields")
            }
            list = a
            guard let id = Int32(exactly: json["spec-id"]?.intValue ?? Int64(specIdDefault)) else {
                throw IcebergError.invalidJSON("partition spec id beyond the 32-bit range")
            }
            specId = Int(id)
        }
        var next = 1000
        fields = try list.map { f in
            guard let name = f["name"]?.stringValue, let transform = f["transform"]?.stringValue else {
                throw IcebergError.invalidJSON("partition field without name or transform")
            }
            let source = f["source-id"]?.intValue ?? f["source-ids"]?.arrayValue?.first?.intValue
            guard let s = source else { throw IcebergError.invalidJSON("partition field '\(name)' without source-id") }
            // Ids are the spec's `int`s; a larger one would overflow the next id assigned.
            let given = f["field-id"]?.intValue
            guard let sourceId = Int32(exactly: s), let id = given.map({ Int32(exactly: $0) }) ?? Int32(exactly: next)
            else {
                throw IcebergError.invalidJSON("partition field '\(name)': an id beyond the 32-bit range")
            }
            next = Int(id) + 1
            return PartitionField(
                sourceId: Int(sourceId), fieldId: Int(id), name: name, transform: Transform(transform))
        }
    }

    /// Whether two specs partition the same way (ids aside).
    public func isCompatible(with other: PartitionSpec) -> Bool {
        fields.count == other.fields.count
            && zip(fields, other.fields).allSatisfy {
                $0.sourceId == $1.sourceId && $0.transform == $1.transform && $0.name == $1.name
            }
    }
}

/// Sort direction.
public enum SortDirection: String, Sendable, Hashable {
    /// Ascending.
    case asc
    /// Descending.
    case desc
}

/// Where nulls sort.
public enum NullOrder: String, Sendable, Hashable {
    /// Nulls before values.
    case nullsFirst = "nulls-first"
    /// Nulls after values.
    case nullsLast = "nulls-last"
}

/// A field of a sort order.
public struct SortField: Sendable, Hashable {
    /// Source column id.
    public var sourceId: Int
    /// Transform applied before sorting.
    public var transform: Transform
    /// Direction.
    public var direction: SortDirection
    /// Null placement.
    public var nullOrder: NullOrder

    /// Creates a sort field.
    public init(
        sourceId: Int, transform: Transform = .identity, direction: SortDirection = .asc, nullOrder: NullOrder? = nil
    ) {
        self.sourceId = sourceId
        self.transform = transform
        self.direction = direction
        self.nullOrder = nullOrder ?? (direction == .asc ? .nullsFirst : .nullsLast)
    }
}

/// A table sort order.
public struct SortOrder: Sendable, Hashable {
    /// Order id (0 is unsorted).
    public var orderId: Int
    /// Fields in sort priority.
    public var fields: [SortField]

    /// Creates a sort order.
    public init(orderId: Int, fields: [SortField]) {
        self.orderId = orderId
        self.fields = fields
    }

    /// The unsorted order (id 0).
    public static let unsorted = SortOrder(orderId: 0, fields: [])

    /// The JSON form.
    public var json: JSONValue {
        .object([
            ("order-id", .int(Int64(orderId))),
            (
                "fields",
                .array(
                    fields.map { f in
                        .object([
                            ("transform", .string(f.transform.description)), ("source-id", .int(Int64(f.sourceId))),
                            ("direction", .string(f.direction.rawValue)), ("null-order", .string(f.nullOrder.rawValue)),
                        ])
                    })
            ),
        ])
    }

    /// Parses the JSON form.
    public init(json: JSONValue) throws {
        guard let orderId = Int32(exactly: json["order-id"]?.intValue ?? 0) else {
            throw IcebergError.invalidJSON("sort order id beyond the 32-bit range")
        }
        self.orderId = Int(orderId)
        fields = try (json["fields"]?.arrayValue ?? []).map { f in
            guard let s = f["source-id"]?.intValue ?? f["source-ids"]?.arrayValue?.first?.intValue else {
                throw IcebergError.invalidJSON("sort field without source-id")
            }
            return SortField(
                sourceId: Int(s), transform: Transform(f["transform"]?.stringValue ?? "identity"),
                direction: SortDirection(rawValue: f["direction"]?.stringValue ?? "asc") ?? .asc,
                nullOrder: NullOrder(rawValue: f["null-order"]?.stringValue ?? "nulls-first"))
        }
    }
}

extension Schema {
    /// The field with an id, searching nested structs.
    public func field(id: Int) -> NestedField? {
        func find(_ fields: [NestedField]) -> NestedField? {
            for f in fields {
                if f.id == id { return f }
                if case .struct(let s) = f.type, let found = find(s.fields) { return found }
            }
            return nil
        }
        return find(fields)
    }

    /// The dotted name of a field id (struct fields only).
    public func columnName(id: Int) -> String? {
        func find(_ fields: [NestedField], _ prefix: String) -> String? {
            for f in fields {
                if f.id == id { return prefix + f.name }
                if case .struct(let s) = f.type, let found = find(s.fields, prefix + f.name + ".") { return found }
            }
            return nil
        }
        return find(fields, "")
    }
}
