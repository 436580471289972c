import JSONSupport

/// The schemas of the metadata tables, with Java's column names and field ids, and the
/// columns of a data or delete file as the `files` and `entries` tables show them.
struct MetadataTableLayout {
    let metadata: TableMetadata
    /// The primitive columns of the current schema, by field id.
    private let columnsById: [(id: Int, name: String, type: IcebergType)]
    /// The same, by name (the order of `readable_metrics`).
    let metricColumns: [(id: Int, name: String, type: IcebergType)]

    init(_ metadata: TableMetadata) {
        self.metadata = metadata
        columnsById = Self.primitiveColumns(metadata.currentSchema)
        metricColumns = columnsById.sorted { $0.name < $1.name }
    }

    static let snapshots = fixed([
        .required(1, "committed_at", .timestamptz), .required(2, "snapshot_id", .long),
        .optional(3, "parent_id", .long),
        .optional(4, "operation", .string), .optional(5, "manifest_list", .string),
        .optional(6, "summary", stringMap(7, 8)),
    ])

    static let history = fixed([
        .required(1, "made_current_at", .timestamptz), .required(2, "snapshot_id", .long),
        .optional(3, "parent_id", .long), .required(4, "is_current_ancestor", .boolean),
    ])

    static let refs = fixed([
        .required(1, "name", .string), .required(2, "type", .string), .required(3, "snapshot_id", .long),
        .optional(4, "max_reference_age_in_ms", .long), .optional(5, "min_snapshots_to_keep", .int),
        .optional(6, "max_snapshot_age_in_ms", .long),
    ])

    static let metadataLog = fixed([
        .required(1, "timestamp", .timestamptz), .required(2, "file", .string),
        .optional(3, "latest_snapshot_id", .long), .optional(4, "latest_schema_id", .int),
        .optional(5, "latest_sequence_number", .long),
    ])

    static let manifests = fixed(manifestFields(all: false))

    static let allManifests = fixed(
        manifestFields(all: true) + [
            .required(18, "reference_snapshot_id", .long), .optional(19, "key_metadata", .binary),
        ])

    /// The columns of `manifests` (`all`: of `all_manifests`, where the counts of v1 manifests may be missing).
    private static func manifestFields(all: Bool) -> [NestedField] {
        let counted = { (id: Int, name: String) in
            all ? NestedField.optional(id, name, .int) : NestedField.required(id, name, .int)
        }
        let summary = StructType([
            .required(10, "contains_null", .boolean),
            all ? .required(11, "contains_nan", .boolean) : .optional(11, "contains_nan", .boolean),
            .optional(12, "lower_bound", .string), .optional(13, "upper_bound", .string),
        ])
        let summaries = IcebergType.list(ListType(elementId: 9, elementRequired: true, element: .struct(summary)))
        return [
            .required(14, "content", .int), .required(1, "path", .string), .required(2, "length", .long),
            all ? .optional(3, "partition_spec_id", .int) : .required(3, "partition_spec_id", .int),
            all ? .optional(4, "added_snapshot_id", .long) : .required(4, "added_snapshot_id", .long),
            counted(5, "added_data_files_count"), counted(6, "existing_data_files_count"),
            counted(7, "deleted_data_files_count"), .required(15, "added_delete_files_count", .int),
            .required(16, "existing_delete_files_count", .int), .required(17, "deleted_delete_files_count", .int),
            all ? .optional(8, "partition_summaries", summaries) : .required(8, "partition_summaries", summaries),
        ]
    }

    private static func fixed(_ fields: [NestedField]) -> Schema {
        // The fields above have unique ids and names.
        try! Schema(fields: fields)
    }

    private static func stringMap(_ keyId: Int, _ valueId: Int) -> IcebergType {
        .map(MapType(keyId: keyId, key: .string, valueId: valueId, valueRequired: true, value: .string))
    }

    // MARK: Files

    /// The fields of a data or delete file (Java's `DataFile.getType`), without `partition`
    /// when the table has never been partitioned.
    func fileFields(_ partition: StructType) -> [NestedField] {
        func counts(_ id: Int, _ name: String, _ k: Int, _ v: Int) -> NestedField {
            .optional(id, name, .map(MapType(keyId: k, key: .int, valueId: v, valueRequired: true, value: .long)))
        }
        func bounds(_ id: Int, _ name: String, _ k: Int, _ v: Int) -> NestedField {
            .optional(id, name, .map(MapType(keyId: k, key: .int, valueId: v, valueRequired: true, value: .binary)))
        }
        var fields: [NestedField] = [
            .optional(134, "content", .int), .required(100, "file_path", .string),
            .required(101, "file_format", .string),
            .optional(141, "spec_id", .int),
        ]
        if !partition.fields.isEmpty { fields.append(.required(102, "partition", .struct(partition))) }
        fields += [
            .required(103, "record_count", .long), .required(104, "file_size_in_bytes", .long),
            counts(108, "column_sizes", 117, 118), counts(109, "value_counts", 119, 120),
            counts(110, "null_value_counts", 121, 122), counts(137, "nan_value_counts", 138, 139),
            bounds(125, "lower_bounds", 126, 127), bounds(128, "upper_bounds", 129, 130),
            .optional(131, "key_metadata", .binary),
            .optional(132, "split_offsets", .list(ListType(elementId: 133, elementRequired: true, element: .long))),
            .optional(135, "equality_ids", .list(ListType(elementId: 136, elementRequired: true, element: .int))),
            .optional(140, "sort_order_id", .int), .optional(142, "first_row_id", .long),
            .optional(143, "referenced_data_file", .string), .optional(144, "content_offset", .long),
            .optional(145, "content_size_in_bytes", .long),
        ]
        return fields
    }

    /// The `files` tables' schema and the partition type it shows.
    func filesSchema() throws -> (schema: Schema, partition: StructType) {
        let partition = try unifiedPartitionType()
        let fields = fileFields(partition)
        return (try Schema(fields: fields + [readableMetricsField(after: Self.highestId(fields))]), partition)
    }

    /// The `entries` tables' schema and the partition type it shows.
    func entriesSchema() throws -> (schema: Schema, partition: StructType) {
        let partition = try unifiedPartitionType()
        let fields: [NestedField] = [
            .required(0, "status", .int), .optional(1, "snapshot_id", .long), .optional(3, "sequence_number", .long),
            .optional(4, "file_sequence_number", .long),
            .required(2, "data_file", .struct(StructType(fileFields(partition)))),
        ]
        return (try Schema(fields: fields + [readableMetricsField(after: Self.highestId(fields))]), partition)
    }

    /// The `partitions` table's schema (without `partition` and `spec_id` for a table never partitioned).
    func partitionsSchema(_ partition: StructType) throws -> Schema {
        var fields: [NestedField] = []
        if !partition.fields.isEmpty {
            fields = [.required(1, "partition", .struct(partition)), .required(4, "spec_id", .int)]
        }
        fields += [
            .required(2, "record_count", .long), .required(3, "file_count", .int),
            .required(11, "total_data_file_size_in_bytes", .long), .required(5, "position_delete_record_count", .long),
            .required(6, "position_delete_file_count", .int), .required(7, "equality_delete_record_count", .long),
            .required(8, "equality_delete_file_count", .int), .optional(9, "last_updated_at", .timestamptz),
            .optional(10, "last_updated_snapshot_id", .long),
        ]
        return try Schema(fields: fields)
    }

    // MARK: Readable metrics

    /// Every primitive column of the current schema with its full name (Java's `idToName`:
    /// struct fields dotted, `element`, `key` and `value` for lists and maps), by field id.
    static func primitiveColumns(_ schema: Schema) -> [(id: Int, name: String, type: IcebergType)] {
        var out: [(id: Int, name: String, type: IcebergType)] = []
        func walk(_ id: Int, _ name: String, _ type: IcebergType) {
            switch type {
            case .struct(let s): for f in s.fields { walk(f.id, name + "." + f.name, f.type) }
            case .list(let l): walk(l.elementId, name + ".element", l.element)
            case .map(let m):
                walk(m.keyId, name + ".key", m.key)
                walk(m.valueId, name + ".value", m.value)
            default: out.append((id, name, type))
            }
        }
        for f in schema.fields { walk(f.id, f.name, f.type) }
        return out.sorted { $0.id < $1.id }
    }

    /// The `readable_metrics` column: per primitive column (sorted by name), its size, counts
    /// and bounds in the column's own type; ids follow the table's others, as in Java.
    func readableMetricsField(after highest: Int) -> NestedField {
        var next = highest
        func id() -> Int {
            next += 1
            return next
        }
        var columns: [NestedField] = []
        for c in columnsById {
            let structId = id()
            let metrics = StructType([
                .optional(id(), "column_size", .long), .optional(id(), "value_count", .long),
                .optional(id(), "null_value_count", .long), .optional(id(), "nan_value_count", .long),
                .optional(id(), "lower_bound", c.type), .optional(id(), "upper_bound", c.type),
            ])
            columns.append(.optional(structId, c.name, .struct(metrics)))
        }
        columns.sort { $0.name < $1.name }
        return .optional(id(), "readable_metrics", .struct(StructType(columns)))
    }

    // MARK: Partitions

    /// Java's unified partition type: every partition field of every spec whose source column
    /// is in the current schema, by field id, named as the newest spec names it; a field that
    /// a v1 table voided takes the type of its live form.
    func unifiedPartitionType() throws -> StructType {
        var fields: [Int: NestedField] = [:]
        var voided: Set<Int> = []
        let schema = metadata.currentSchema
        for spec in metadata.partitionSpecs.sorted(by: { $0.specId > $1.specId }) {
            for f in spec.fields {
                guard let source = schema.field(id: f.sourceId) else { continue }
                if case .unknown(let name) = f.transform {
                    throw IcebergError.invalidSchema("partition field '\(f.name)' has an unknown transform '\(name)'")
                }
                let field = NestedField.optional(f.fieldId, f.name, f.transform.resultType(source.type))
                if let existing = fields[f.fieldId] {
                    if voided.contains(f.fieldId), f.transform != .void {
                        fields[f.fieldId] = NestedField.optional(f.fieldId, existing.name, field.type)
                        voided.remove(f.fieldId)
                    }
                } else {
                    fields[f.fieldId] = field
                    if f.transform == .void { voided.insert(f.fieldId) }
                }
            }
        }
        return StructType(fields.keys.sorted().map { fields[$0]! })
    }

    /// The transform of each unified partition field, by the name the unified type gives it.
    func partitionTransforms() -> [String: Transform] {
        guard let unified = try? unifiedPartitionType() else { return [:] }
        var out: [String: Transform] = [:]
        for field in unified.fields {
            let transforms = metadata.partitionSpecs.flatMap(\.fields).filter { $0.fieldId == field.id }.map(
                \.transform)
            out[field.name] = transforms.first { $0 != .void } ?? .void
        }
        return out
    }

    /// A file's partition tuple (of spec `specId`) in the unified type's field order.
    func coerce(_ partition: [Literal?], specId: Int, to unified: StructType) -> [Literal?] {
        guard let spec = metadata.spec(id: specId) else { return unified.fields.map { _ in nil } }
        return unified.fields.map { field in
            guard let i = spec.fields.firstIndex(where: { $0.fieldId == field.id }), i < partition.count,
                spec.fields[i].transform != .void
            else { return nil }
            return partition[i]
        }
    }

    /// A partition tuple as a JSON object of the unified type.
    func partitionJSON(_ values: [Literal?], _ type: StructType) -> JSONValue {
        .object(zip(type.fields, values).map { f, v in (f.name, v.map { $0.json(as: f.type) } ?? .null) })
    }

    private static func highestId(_ fields: [NestedField]) -> Int {
        (try? Schema(fields: fields).highestFieldId) ?? 0
    }
}
