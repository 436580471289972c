import JSONSupport
import Parquet

/// Writes equality-delete files: Parquet files of the key fields' values (the table's
/// schema narrowed to them, field ids kept), `equality_ids` set to those fields, one file per
/// partition of a spec (a partitioned spec's sources must be key fields, so each key falls in
/// one partition), with the table's column metrics. Committed with sequence number N they
/// delete the rows with those keys in data files of the same spec and partition (any
/// partition when the spec is unpartitioned) with data sequence numbers below N.
public struct EqualityDeleteWriter: Sendable {
    /// The key fields.
    public let fieldIds: [Int]
    /// The table's current schema narrowed to the key fields.
    public let keySchema: Schema
    private let metadata: TableMetadata
    private let io: FileIO

    /// A writer of deletes by `fieldIds` (primitive fields of the current schema).
    public init(metadata: TableMetadata, io: FileIO, fieldIds: [Int]) throws {
        self.fieldIds = fieldIds
        self.metadata = metadata
        self.io = io
        keySchema = try metadata.currentSchema.keeping(Set(fieldIds))
    }

    /// Whether deletes by these keys can be partitioned by `spec`: each of its non-void
    /// fields has a key field as source.
    public func canPartition(by spec: PartitionSpec) -> Bool {
        Self.canPartition(spec, by: fieldIds)
    }

    /// Whether deletes by the key `fieldIds` can be partitioned by `spec`.
    static func canPartition(_ spec: PartitionSpec, by fieldIds: [Int]) -> Bool {
        spec.fields.allSatisfy { $0.transform == .void || fieldIds.contains($0.sourceId) }
    }

    /// Writes the keys of `rows` (a batch holding the key fields, no nulls) as equality
    /// deletes for the data files of `spec`; returns the files (nothing for no rows).
    func write(_ rows: ColumnBatch, spec: PartitionSpec) async throws -> [DataFile] {
        guard rows.rowCount > 0 else { return [] }
        guard canPartition(by: spec) else {
            let sources = spec.fields.filter { $0.transform != .void && !fieldIds.contains($0.sourceId) }
                .map { metadata.currentSchema.columnName(id: $0.sourceId) ?? String($0.sourceId) }
            throw IcebergError.unsupported(
                "equality deletes by \(keyNames) on data partitioned by \(sources.joined(separator: ", ")) "
                    + "(each partition source must be a key column; use the position-deletes strategy)")
        }
        var writer = try TableWriter(
            metadata: metadata, io: io, schema: keySchema, spec: spec, sortOrder: nil,
            metricsProperties: metadata.properties)
        writer.maxConcurrentFiles = 1
        var files: [DataFile]
        do {
            let layout = try FileLayout(file: rows.layout.file, schema: keySchema)
            let keys = rows.projected(onto: layout)
            let flat = try keySchema.parquetSchema().columns.count == keySchema.fields.count
            if flat && keySchema.fields.allSatisfy(\.type.isPrimitive) {
                try await writer.append(columns: keys.leaves)
            } else {
                for (i, row) in try keys.jsonRows().enumerated() { try await writer.append(row, rowNumber: i + 1) }
            }
            files = try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        for i in files.indices {
            files[i].content = .equalityDeletes
            files[i].equalityIds = fieldIds
            files[i].sortOrderId = nil
        }
        return files
    }

    /// Writes keys given as JSON objects of the key fields (numbers name bad rows) as
    /// equality deletes for the data files of `spec`.
    public func write(keys: [(rowNumber: Int, row: JSONValue)], spec: PartitionSpec) async throws -> [DataFile] {
        try await write(try UpsertRows.shred(keys, schema: keySchema), spec: spec)
    }

    private var keyNames: String {
        fieldIds.map { metadata.currentSchema.columnName(id: $0) ?? String($0) }.joined(separator: ", ")
    }
}
