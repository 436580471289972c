import JSONSupport
import Parquet

/// Upserts rows by key and deletes rows by key, as one snapshot of a branch (PyIceberg's
/// `upsert`; also how a batch of change events lands, see `ChangeBatch`).
///
/// The key is the schema's identifier fields unless columns are named. A row whose key is
/// in the table replaces the rows with that key (`updateMatched`); the others are inserted
/// (`insertUnmatched`); `deletedKeys` remove the rows with those keys (keys not in the table
/// are no-ops). A key repeated in the input, or a row without a key value, is an error
/// naming the rows, and nothing is committed.
///
/// Two strategies (`write.upsert.mode`, or per call):
/// - `equalityDeletes`: an equality-delete file of the keys, per partition (partition
///   sources must be key columns, or the table must have an unpartitioned spec, whose
///   deletes are global), and the new rows appended in the same snapshot. Nothing is read
///   unless only updates or only inserts are wanted, which needs to know which keys exist.
/// - `positionDeletes`: the rows with the keys are looked up in the files the keys can be
///   in (by partition and column bounds, with `in` lists or key ranges), and deleted by
///   position (v2 position-delete files, v3 deletion vectors, merged with the file's
///   earlier ones; a file whose rows all go is removed), then the new rows appended.
///
/// Every attempt plans on the branch as the catalog holds it, so an upsert that lost a race
/// to another commit re-plans on it (as if it ran after it) and never commits deletes that
/// point at a file another commit removed. The snapshot's operation is Java's `RowDelta`'s:
/// `append` when it only adds rows, `delete` when it only deletes, else `overwrite`.
public struct UpsertRows: TableAction {
    /// The rows to upsert (JSON value convention), with the numbers errors name them by.
    public let rows: [(rowNumber: Int, row: JSONValue)]
    /// Keys (objects holding the key fields) whose rows are deleted.
    public let deletedKeys: [(rowNumber: Int, row: JSONValue)]
    /// What to do and how.
    public let options: Options
    /// The branch written.
    public let branch: String
    /// What the last attempt did (the committed one, once the transaction has landed).
    public private(set) var result = Result()

    /// How an upsert runs.
    public struct Options: Sendable {
        /// The key columns (dotted names); nil: the schema's identifier fields.
        public var keyColumns: [String]?
        /// Whether rows whose key exists replace the existing rows (else they are dropped).
        public var updateMatched = true
        /// Whether rows whose key does not exist are inserted (else they are dropped).
        public var insertUnmatched = true
        /// How replaced rows are deleted; nil: the table's `write.upsert.mode`.
        public var strategy: UpsertStrategy?

        /// Options (defaults: identifier fields, update and insert, the table's strategy).
        public init(
            keyColumns: [String]? = nil, updateMatched: Bool = true, insertUnmatched: Bool = true,
            strategy: UpsertStrategy? = nil
        ) {
            self.keyColumns = keyColumns
            self.updateMatched = updateMatched
            self.insertUnmatched = insertUnmatched
            self.strategy = strategy
        }
    }

    /// What an upsert did.
    public struct Result: Sendable, Equatable {
        /// The new snapshot (nil when nothing changed).
        public var snapshotId: Int64?
        /// Rows written (updated and inserted).
        public var writtenRows: Int64 = 0
        /// Input rows whose key was in the table (nil when the strategy did not look).
        public var matchedRows: Int64?
        /// Input rows inserted as new keys (nil when the strategy did not look).
        public var insertedRows: Int64?
        /// Deleted keys that were in the table (nil when the strategy did not look).
        public var deletedKeys: Int64?
        /// Table rows deleted by position (position-deletes strategy).
        public var deletedRows: Int64 = 0
        /// Delete files written (equality-delete files, position-delete files or vectors).
        public var addedDeleteFiles = 0
        /// The strategy used.
        public var strategy: UpsertStrategy = .equalityDeletes

        /// Nothing done yet.
        public init() {}
    }

    /// Upserts `rows` and deletes `deletedKeys` on `branch`, per `options`.
    public init(
        rows: [(rowNumber: Int, row: JSONValue)], deletedKeys: [(rowNumber: Int, row: JSONValue)] = [],
        options: Options = Options(), branch: String = "main"
    ) {
        self.rows = rows
        self.deletedKeys = deletedKeys
        self.options = options
        self.branch = branch
    }

    /// Plans the upsert on the branch's head and builds its snapshot: the batch keyed, the
    /// existing rows with its keys found (when the strategy or the options need them), the kept
    /// rows written, equality deletes written, one snapshot made.
    public mutating func apply(to changes: inout PendingChanges) async throws {
        result = Result()
        let m = changes.metadata
        guard m.formatVersion >= 2 else {
            throw IcebergError.unsupported("upserts on a format v1 table (v1 has no delete files; upgrade it to v2)")
        }
        let batch = try keyedBatch(schema: m.currentSchema)
        let head = m.head(of: branch)
        var strategy = try options.strategy ?? m.value(of: TableProperties.writeUpsertMode)
        if strategy == .auto {
            strategy =
                try await Self.equalityDeleteSpecs(fieldIds: batch.keyIds, metadata: m, head: head, io: changes.io)
                != nil
                ? .equalityDeletes : .positionDeletes
        }
        result.strategy = strategy
        let lookUp = head != nil && (strategy == .positionDeletes || !options.updateMatched || !options.insertUnmatched)
        var matches = KeyMatches(input: batch.input.rowCount, deletions: batch.deletions.rowCount)
        var plan = DeletePlan()
        if lookUp {
            plan = try await findExistingKeys(batch, metadata: m, strategy: strategy, matches: &matches, io: changes.io)
            changes.track(plan.positionDeletes.map(\.file.filePath))
        }

        // The rows written: all of them, or those the options keep by whether their key exists
        // (known when looked up, or when the branch is empty).
        let known = lookUp || head == nil
        let keep =
            known
            ? matches.input.map { $0 ? options.updateMatched : options.insertUnmatched }
            : [Bool](repeating: true, count: batch.input.rowCount)
        let written = batch.input.selecting(rows: keep)
        let dataFiles = try await Self.write(written, metadata: m, into: &changes)

        // Equality deletes: the keys of replaced rows and deleted keys (all, or those found).
        var equalityDeletes: [(files: [DataFile], specId: Int)] = []
        if strategy == .equalityDeletes, let head {
            let upsertedKeys = batch.input.selecting(
                rows: options.updateMatched ? (lookUp ? matches.input : keep) : matches.input.map { _ in false })
            let deleted = lookUp ? batch.deletions.selecting(rows: matches.deletions) : batch.deletions
            equalityDeletes = try await Self.writeEqualityDeletes(
                [upsertedKeys, deleted], fieldIds: batch.keyIds, metadata: m, head: head, into: &changes)
        }

        let addedDeletes = plan.positionDeletes.count + equalityDeletes.reduce(0) { $0 + $1.files.count }
        guard !dataFiles.isEmpty || addedDeletes > 0 || !plan.removed.isEmpty else { return }
        result.snapshotId = try await commitSnapshot(
            dataFiles: dataFiles, plan: plan, equalityDeletes: equalityDeletes, into: &changes)
        result.writtenRows = Int64(written.rowCount)
        if known {
            let matched = matches.input.reduce(0) { $0 + ($1 ? 1 : 0) }
            result.matchedRows = Int64(matched)
            result.insertedRows = options.insertUnmatched ? Int64(batch.input.rowCount - matched) : 0
            result.deletedKeys = Int64(matches.deletions.reduce(0) { $0 + ($1 ? 1 : 0) })
        }
        result.deletedRows = plan.deletedRows
        result.addedDeleteFiles = addedDeletes
    }

    /// The batch as columns with its keys indexed: the upserted rows and the deleted keys.
    struct KeyedBatch {
        let keyIds: [Int]
        let input: ColumnBatch
        let deletions: ColumnBatch
        let inputKeys: RowKeyIndex
        let deletedKeys: RowKeyIndex
    }

    /// Which upserted rows and deleted keys matched a row of the table.
    struct KeyMatches {
        var input: [Bool]
        var deletions: [Bool]
        init(input: Int, deletions: Int) {
            self.input = [Bool](repeating: false, count: input)
            self.deletions = [Bool](repeating: false, count: deletions)
        }
    }

    /// Shreds the rows and deleted keys and indexes their keys; a key both upserted and deleted
    /// is an error naming its row.
    private func keyedBatch(schema: Schema) throws -> KeyedBatch {
        let keyIds = try Self.keyFieldIds(options.keyColumns, schema: schema)
        let keySchema = try schema.keeping(Set(keyIds))
        let input = try Self.shred(rows, schema: schema)
        let deletions = try Self.shred(deletedKeys, schema: keySchema)
        var inputKeys = try RowKeyIndex(fieldIds: keyIds, schema: schema)
        var deletedKeyIndex = try RowKeyIndex(fieldIds: keyIds, schema: schema)
        try Self.index(input, into: &inputKeys, rowNumbers: rows.map(\.rowNumber))
        try Self.index(deletions, into: &deletedKeyIndex, rowNumbers: deletedKeys.map(\.rowNumber))
        if let both = deletedKeyIndex.lookup(input).firstIndex(where: { $0 >= 0 }) {
            throw IcebergError.invalidValue(
                row: rows[both].rowNumber, field: inputKeys.fieldNames.joined(separator: ","),
                detail: "the key is both upserted and deleted in one batch")
        }
        return KeyedBatch(
            keyIds: keyIds, input: input, deletions: deletions, inputKeys: inputKeys, deletedKeys: deletedKeyIndex)
    }

    /// Reads the key columns of the files that may hold the batch's keys, marks which keys
    /// exist, and (position-delete strategy) plans the deletes of the rows they replace.
    private func findExistingKeys(
        _ batch: KeyedBatch, metadata m: TableMetadata, strategy: UpsertStrategy, matches: inout KeyMatches,
        io: FileIO
    ) async throws -> DeletePlan {
        let byPosition = strategy == .positionDeletes
        let update = options.updateMatched
        let candidates: Expression =
            switch (batch.inputKeys.count > 0, batch.deletedKeys.count > 0) {
            case (true, true): .or(batch.inputKeys.candidateFilter, batch.deletedKeys.candidateFilter)
            case (true, false): batch.inputKeys.candidateFilter
            case (false, true): batch.deletedKeys.candidateFilter
            case (false, false): .alwaysFalse
            }
        return try await DeletePlan.make(
            m, io: io, branch: branch, candidates: candidates, mode: .mergeOnRead, reading: Set(batch.keyIds)
        ) { rows in
            let upserted = batch.inputKeys.lookup(rows)
            let deleted = batch.deletedKeys.lookup(rows)
            var out = [Bool](repeating: false, count: rows.rowCount)
            for r in 0..<rows.rowCount {
                if upserted[r] >= 0 {
                    matches.input[Int(upserted[r])] = true
                    out[r] = byPosition && update
                } else if deleted[r] >= 0 {
                    matches.deletions[Int(deleted[r])] = true
                    out[r] = byPosition
                }
            }
            return out
        }
    }

    /// Writes the kept rows as data files for this attempt (none when there are no rows).
    private static func write(_ rows: ColumnBatch, metadata m: TableMetadata, into changes: inout PendingChanges)
        async throws -> [DataFile]
    {
        guard rows.rowCount > 0 else { return [] }
        var writer = try TableWriter(metadata: m, io: changes.io)
        let dataFiles: [DataFile]
        do {
            try await writer.append(rows)
            dataFiles = try await writer.finish()
        } catch {
            await writer.abort()
            throw error
        }
        changes.track(dataFiles.map(\.filePath))
        changes.requireWritingSchemaAndSpec()
        return dataFiles
    }

    /// Builds the snapshot: `append` when only rows were added, `delete` when only deletes,
    /// `overwrite` when both; returns its id.
    private func commitSnapshot(
        dataFiles: [DataFile], plan: DeletePlan, equalityDeletes: [(files: [DataFile], specId: Int)],
        into changes: inout PendingChanges
    ) async throws -> Int64 {
        var producer = SnapshotProducer(changes, branch: branch)
        try await producer.add(dataFiles, into: &changes)
        try await producer.addDeletes(plan.positionDeletes, into: &changes)
        for (files, specId) in equalityDeletes {
            try await producer.addDeletes(files, specId: specId, into: &changes)
        }
        producer.remove(plan.removed, listedIn: plan.manifestsWithRemovals)
        producer.removeDeletes(plan.removedDeletes)
        let deletes =
            !plan.positionDeletes.isEmpty || equalityDeletes.contains { !$0.files.isEmpty } || !plan.removed.isEmpty
        let operation = dataFiles.isEmpty ? "delete" : (deletes ? "overwrite" : "append")
        return try await producer.commit(operation: operation, mergeManifests: true, into: &changes).snapshotId
    }

    /// The key field ids: the named columns (primitive, in the schema) or the identifier fields.
    static func keyFieldIds(_ names: [String]?, schema: Schema) throws -> [Int] {
        guard let names, !names.isEmpty else {
            guard !schema.identifierFieldIds.isEmpty else {
                throw IcebergError.invalidValue(
                    row: nil, field: "key",
                    detail: "the table has no identifier fields: name the key columns (or set identifier fields)")
            }
            return schema.identifierFieldIds
        }
        return try names.map { name in
            guard let field = schema.field(at: name) else {
                throw IcebergError.invalidValue(row: nil, field: name, detail: "no such key column in the table")
            }
            guard field.type.isPrimitive else {
                throw IcebergError.invalidValue(
                    row: nil, field: name, detail: "a key column must be of a primitive type, not \(field.type)")
            }
            return field.id
        }
    }

    /// The rows as one batch of `schema`'s columns.
    static func shred(_ rows: [(rowNumber: Int, row: JSONValue)], schema: Schema) throws -> ColumnBatch {
        try ColumnBatch.shredding(rows.map(\.row), schema: schema, rowNumbers: rows.map(\.rowNumber))
    }

    private static func index(_ batch: ColumnBatch, into index: inout RowKeyIndex, rowNumbers: [Int]) throws {
        do {
            try index.insert(batch, firstRow: 0)
        } catch .duplicate(let row, let earlier, let key) {
            throw IcebergError.invalidValue(
                row: rowNumbers[row], field: index.fieldNames.joined(separator: ","),
                detail: "duplicate key \(key) (also row \(rowNumbers[earlier]))")
        } catch .missing(let row, let field) {
            throw IcebergError.invalidValue(row: rowNumbers[row], field: field, detail: "a key value is missing")
        }
    }

    /// Writes the keys of `batches` as equality deletes for every spec that has live data
    /// files on the branch (one global file under an unpartitioned spec when some spec's
    /// partitions cannot be derived from the key). Returns the files per spec.
    /// The specs equality deletes by `fieldIds` are written under: each spec with live data
    /// files when all of them are partitioned by key fields only, else the table's
    /// unpartitioned spec (global deletes); nil when neither works.
    static func equalityDeleteSpecs(fieldIds: [Int], metadata m: TableMetadata, head: Snapshot?, io: FileIO)
        async throws -> [PartitionSpec]?
    {
        let specs = try await liveSpecs(m, head: head, io: io)
        if specs.allSatisfy({ EqualityDeleteWriter.canPartition($0, by: fieldIds) }) { return specs }
        return m.partitionSpecs.first(where: \.fields.isEmpty).map { [$0] }
    }

    /// The specs of the branch head's live data files (the default spec for an empty branch).
    private static func liveSpecs(_ m: TableMetadata, head: Snapshot?, io: FileIO) async throws -> [PartitionSpec] {
        guard let head else { return [m.defaultSpec] }
        let manifests = try await TableScan(metadata: m, io: io, snapshotId: head.snapshotId).manifests()
        let ids = Set(
            manifests.filter { $0.content == .data && $0.addedFilesCount + $0.existingFilesCount > 0 }
                .map(\.partitionSpecId))
        return try ids.sorted().map { id in
            guard let spec = m.spec(id: id) else {
                throw CatalogError.validationFailed("partition spec \(id) of live data files is not in the table")
            }
            return spec
        }
    }

    static func writeEqualityDeletes(
        _ batches: [ColumnBatch], fieldIds: [Int], metadata m: TableMetadata, head: Snapshot,
        into changes: inout PendingChanges
    ) async throws -> [(files: [DataFile], specId: Int)] {
        guard batches.contains(where: { $0.rowCount > 0 }) else { return [] }
        let writer = try EqualityDeleteWriter(metadata: m, io: changes.io, fieldIds: fieldIds)
        // Specs no key can partition fail in the writer, naming the columns.
        var specs = try await equalityDeleteSpecs(fieldIds: fieldIds, metadata: m, head: head, io: changes.io)
        if specs == nil { specs = try await liveSpecs(m, head: head, io: changes.io) }
        var out: [(files: [DataFile], specId: Int)] = []
        for spec in specs ?? [] {
            var files: [DataFile] = []
            for batch in batches where batch.rowCount > 0 {
                let written = try await writer.write(batch, spec: spec)
                changes.track(written.map(\.filePath))
                files += written
            }
            out.append((files, spec.specId))
        }
        return out
    }
}

extension Transaction {
    /// Upserts `rows` by key (see `UpsertRows`).
    public mutating func upsert(
        _ rows: [(rowNumber: Int, row: JSONValue)], options: UpsertRows.Options = UpsertRows.Options(),
        branch: String = "main"
    ) {
        add(UpsertRows(rows: rows, options: options, branch: branch))
    }
}

extension Table {
    /// Upserts rows given in the JSON value convention (numbers name bad rows) by key in one
    /// snapshot; returns what it did (see `UpsertRows`).
    @discardableResult
    public func upsert(
        _ rows: [(rowNumber: Int, row: JSONValue)], options: UpsertRows.Options = UpsertRows.Options(),
        branch: String = "main"
    ) async throws -> UpsertRows.Result {
        var txn = newTransaction()
        txn.upsert(rows, options: options, branch: branch)
        let (_, actions) = try await txn.commitReturningActions()
        return (actions.first as? UpsertRows)?.result ?? UpsertRows.Result()
    }

    /// Upserts `Encodable` rows (field names as in the schema) by key in one snapshot.
    @discardableResult
    public func upsert<Row: Encodable & Sendable>(
        _ rows: [Row], options: UpsertRows.Options = UpsertRows.Options(), branch: String = "main"
    ) async throws -> UpsertRows.Result {
        let encoder = RowEncoder(schema: schema)
        let json = try rows.enumerated().map { (rowNumber: $0.offset + 1, row: try encoder.encode($0.element)) }
        return try await upsert(json, options: options, branch: branch)
    }
}
