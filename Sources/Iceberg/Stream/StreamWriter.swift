import JSONSupport
import Parquet

/// Writes a stream of records into a table exactly once, as Kafka Connect's and Flink's
/// Iceberg sinks do: rows (or change events) are written with the source positions they
/// advance; a commit lands them with those positions in its snapshot summary
/// (`RecordStreamPositions`), so a writer that restarts resumes from the table's positions
/// and its caller replays the source from just after them. A second writer with the same
/// stream id is fenced (`StreamError.fenced`) and commits nothing.
///
/// Rows are shredded into columns as they arrive and written to data files that roll at
/// `write.target-file-size-bytes` per partition. A commit happens when the commit interval
/// has passed since the first record buffered, when `maxBufferedRows` or `maxBufferedBytes`
/// is reached (the `write` that reaches it waits for the commit: back-pressure rather than
/// unbounded memory), or on `flush()`; `close()` flushes. Rows commit as one `append`
/// snapshot; change events as one row delta per commit, in order.
///
/// An actor: call it from any number of tasks.
public actor StreamWriter {
    /// How a stream writer commits.
    public struct Options: Sendable {
        /// The stream's id: its positions are kept under it (one writer per id at a time).
        public var streamId: String
        /// The branch written.
        public var branch = "main"
        /// The longest a record waits for its commit (default 60 s; at least 100 ms).
        public var commitInterval: Duration = .seconds(60)
        /// Commit once this many records are buffered (nil: no bound).
        public var maxBufferedRows: Int? = nil
        /// Commit once the buffered rows take this many bytes in memory (default 64 MiB).
        public var maxBufferedBytes = 64 << 20
        /// Called after each commit (a timed one too), in order.
        public var onCommit: (@Sendable (StreamCommit) -> Void)? = nil

        /// Options for the stream `streamId`.
        public init(streamId: String) {
            self.streamId = streamId
        }
    }

    /// The table written (it holds the version of the last commit).
    public let table: Table
    /// The options.
    public let options: Options
    /// The positions the table held for the stream when the writer started (nil: none):
    /// replay the source from just after them.
    public let resumePositions: SourcePositions?
    /// The positions the table holds for the stream after this writer's last commit.
    public private(set) var committedPositions: SourcePositions?

    private enum Buffer {
        case empty
        case rows(TableWriter)
        case changes(format: ChangeEventFormat, events: [(lineNumber: Int, event: JSONValue)])
    }

    private var buffer = Buffer.empty
    private var bufferedRecords = 0
    private var bufferedEventBytes = 0
    /// Calls run one at a time: a row write or a commit suspends on I/O, and another task's
    /// call must not interleave with it.
    private let gate = AsyncGate()
    private var pendingPositions = SourcePositions()
    private var firstBuffered: ContinuousClock.Instant?
    private var timer: Task<Void, Never>?
    /// The error that stopped the writer (fenced, or a commit that failed): every later
    /// call throws it.
    private var failure: (any Error)?
    private var closed = false

    /// Starts writing the stream `options.streamId` into `table`, from the positions the
    /// table holds for it on the branch.
    public init(table: Table, options: Options) throws {
        guard options.commitInterval >= .milliseconds(100) else {
            throw CatalogError.invalidArgument("the commit interval must be at least 100 ms")
        }
        self.table = table
        self.options = options
        let checkpoint = try table.committedPositions(streamId: options.streamId, branch: options.branch)
        resumePositions = checkpoint?.positions
        committedPositions = checkpoint?.positions
    }

    // MARK: Writing

    /// Writes rows (objects in the JSON value convention, line numbers for errors) that
    /// advance the source to `positions`.
    ///
    /// A row that does not fit the schema throws `IcebergError.invalidValue` naming its row
    /// number and field; everything buffered since the last commit is then dropped (its files
    /// deleted), so replay the source from `committedPositions`.
    public func write(jsonRows rows: [(rowNumber: Int, row: JSONValue)], positions: SourcePositions) async throws {
        try await exclusive { try await self.buffer(jsonRows: rows, positions: positions) }
    }

    private func buffer(jsonRows rows: [(rowNumber: Int, row: JSONValue)], positions: SourcePositions) async throws {
        try ready()
        var writer = try await takeRowWriter()
        do {
            for (n, row) in rows { try await writer.append(row, rowNumber: n) }
        } catch {
            await drop(writer)
            throw error
        }
        buffer = .rows(writer)
        try await buffered(rows.count, positions: positions)
    }

    /// Writes `Encodable` rows (properties named as the columns) that advance the source to `positions`.
    public func write<Row: Encodable>(_ rows: [Row], positions: SourcePositions) async throws {
        let encoder = RowEncoder(schema: table.schema)
        try await write(
            jsonRows: try rows.enumerated().map { ($0.offset + 1, try encoder.encode($0.element)) },
            positions: positions)
    }

    /// Writes rows given as whole columns (one `ColumnData` per top-level field of a flat
    /// schema, Parquet form) that advance the source to `positions`.
    public func write(columns: [ColumnData], positions: SourcePositions) async throws {
        try await exclusive { try await self.buffer(columns: columns, positions: positions) }
    }

    private func buffer(columns: [ColumnData], positions: SourcePositions) async throws {
        try ready()
        var writer = try await takeRowWriter()
        do { try await writer.append(columns: columns) } catch {
            await drop(writer)
            throw error
        }
        buffer = .rows(writer)
        try await buffered(columns.first?.levelCount ?? 0, positions: positions)
    }

    /// Writes change events (Debezium or flat, with line numbers for errors) that advance the
    /// source to `positions`; each commit applies the events buffered since the last one as
    /// one row delta (see `ChangeBatch`).
    public func write(
        changes events: [(lineNumber: Int, event: JSONValue)], format: ChangeEventFormat, positions: SourcePositions
    ) async throws {
        try await exclusive { try await self.buffer(changes: events, format: format, positions: positions) }
    }

    private func buffer(
        changes events: [(lineNumber: Int, event: JSONValue)], format: ChangeEventFormat, positions: SourcePositions
    ) async throws {
        try ready()
        switch buffer {
        case .rows:
            try await commit()
            buffer = .changes(format: format, events: events)
        case .changes(let f, var held) where f == format:
            buffer = .empty
            held += events
            buffer = .changes(format: format, events: held)
        case .changes:
            try await commit()
            buffer = .changes(format: format, events: events)
        case .empty:
            buffer = .changes(format: format, events: events)
        }
        bufferedEventBytes += events.reduce(0) { $0 + Self.estimatedBytes($1.event) }
        try await buffered(events.count, positions: positions)
    }

    /// Commits what is buffered now; nil when there was nothing to commit.
    @discardableResult
    public func flush() async throws -> StreamCommit? {
        try await exclusive {
            try self.ready()
            return try await self.commit()
        }
    }

    /// Flushes and stops the writer.
    @discardableResult
    public func close() async throws -> StreamCommit? {
        try await exclusive {
            defer {
                self.closed = true
                self.timer?.cancel()
                self.timer = nil
            }
            try self.ready()
            return try await self.commit()
        }
    }

    /// Runs `body` once no other call holds the writer.
    private func exclusive<T>(_ body: () async throws -> T) async throws -> T {
        await gate.enter()
        defer { gate.leave() }
        return try await body()
    }

    // MARK: Buffering

    private func ready() throws {
        if let failure { throw failure }
        guard !closed else { throw CatalogError.invalidArgument("stream \(options.streamId): the writer is closed") }
    }

    /// The buffered row writer (taken out of the buffer), or a new one after committing
    /// buffered change events.
    private func takeRowWriter() async throws -> TableWriter {
        switch buffer {
        case .rows(let writer):
            buffer = .empty
            return writer
        case .changes: try await commit()
        case .empty: break
        }
        return try TableWriter(metadata: table.metadata, io: table.io)
    }

    /// Drops everything buffered since the last commit (after a bad record).
    private func drop(_ writer: TableWriter) async {
        await writer.abort()
        buffer = .empty
        bufferedRecords = 0
        pendingPositions = SourcePositions()
        firstBuffered = nil
        timer?.cancel()
        timer = nil
    }

    /// Notes records just buffered; commits when a bound is reached, else arms the timer.
    private func buffered(_ records: Int, positions: SourcePositions) async throws {
        bufferedRecords += records
        pendingPositions = pendingPositions.advanced(by: positions)
        if firstBuffered == nil {
            firstBuffered = .now
            armTimer()
        }
        let rowBound = options.maxBufferedRows.map { bufferedRecords >= $0 } ?? false
        if rowBound || bufferedBytes >= options.maxBufferedBytes { try await commit() }
    }

    private var bufferedBytes: Int {
        switch buffer {
        case .empty: 0
        case .rows(let writer): writer.bufferedBytes
        case .changes: bufferedEventBytes
        }
    }

    /// Roughly what a parsed JSON value takes in memory.
    private static func estimatedBytes(_ value: JSONValue) -> Int {
        switch value {
        case .string(let s): 32 + s.utf8.count
        case .array(let items): 32 + items.reduce(0) { $0 + estimatedBytes($1) }
        case .object(let pairs): 32 + pairs.reduce(0) { $0 + 16 + $1.0.utf8.count + estimatedBytes($1.1) }
        default: 16
        }
    }

    private func armTimer() {
        timer?.cancel()
        let interval = options.commitInterval
        timer = Task { [weak self] in
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { return }
            await self?.commitOnTimer()
        }
    }

    /// A timed commit; its failure stops the writer and reaches the next call.
    private func commitOnTimer() async {
        _ = try? await exclusive {
            guard self.failure == nil, !self.closed else { return StreamCommit?.none }
            return try await self.commit()
        }
    }

    // MARK: Committing

    /// Commits what is buffered with the positions it advances to. A failure stops the writer
    /// (what it wrote is deleted): create a new one, which resumes from the table's positions.
    private func commit() async throws -> StreamCommit? {
        timer?.cancel()
        timer = nil
        let started = firstBuffered
        firstBuffered = nil
        let taken = buffer
        buffer = .empty
        let records = bufferedRecords
        bufferedRecords = 0
        bufferedEventBytes = 0
        let advanced = pendingPositions
        pendingPositions = SourcePositions()
        guard records > 0 else {
            pendingPositions = advanced.advanced(by: pendingPositions)
            return nil
        }
        let expected = committedPositions
        let positions = (expected ?? SourcePositions()).advanced(by: advanced)
        var files: [DataFile] = []
        var rows = 0
        var strategy: String?
        var retries = 0
        var commitDuration = Duration.zero
        let record: RecordStreamPositions
        do {
            record = try RecordStreamPositions(
                streamId: options.streamId, branch: options.branch, expected: expected, positions: positions)
            let table = self.table
            let committing = ContinuousClock.now
            var actions: [any TableAction] = []
            defer { commitDuration = ContinuousClock.now - committing }
            switch taken {
            case .empty:
                actions = try await table.commitStream(record) { _ in }
            case .rows(var writer):
                do { files = try await writer.finish() } catch {
                    await writer.abort()
                    throw error
                }
                rows = files.reduce(0) { $0 + Int($1.recordCount) }
                actions = try await table.commitStream(record) { [files, branch = options.branch] in
                    $0.appendFiles(files, branch: branch)
                }
            case .changes(let format, let events):
                let keys = try UpsertRows.keyFieldIds(nil, schema: table.schema)
                let batch = try ChangeBatch(events: events, format: format, schema: table.schema, keyFieldIds: keys)
                rows = batch.eventCount
                actions = try await table.commitStream(record) { [branch = options.branch] in
                    $0.apply(batch, branch: branch)
                }
                strategy = actions.lazy.compactMap { ($0 as? UpsertRows)?.result.strategy.rawValue }.first
            }
            retries = max(0, (actions.lazy.compactMap { ($0 as? RecordStreamPositions)?.attempt }.first ?? 1) - 1)
        } catch {
            failure = error
            StreamMetrics.failed(error, stream: options.streamId, kind: "writer")
            // Files of a commit whose outcome is unknown may be in the table: they stay.
            if case CatalogError.commitStateUnknown = error {
            } else {
                try? await table.io.delete(files.map(\.filePath))
            }
            if case .rows(let writer) = buffer { await writer.abort() }
            buffer = .empty
            throw error
        }
        committedPositions = positions
        let latency = started.map { ContinuousClock.now - $0 } ?? .zero
        var result = StreamCommit(
            snapshotId: table.metadata.head(of: options.branch)?.snapshotId, commitId: record.commitId,
            records: records, rows: rows, files: files.count, bytes: files.reduce(0) { $0 + $1.fileSizeInBytes },
            positions: positions,
            latencyMs: latency.milliseconds)
        result.strategy = strategy
        result.retries = retries
        StreamMetrics.committed(result, stream: options.streamId, kind: "writer", duration: commitDuration)
        options.onCommit?(result)
        return result
    }
}

extension Table {
    /// Commits one transaction of a stream: `record` (the positions, checked against the
    /// branch) and what `build` adds. An outcome the catalog left unknown is settled by
    /// looking for the record's commit id on the branch.
    /// Returns the actions as they were applied (none when the outcome was settled by lookup).
    @discardableResult
    func commitStream(_ record: RecordStreamPositions, _ build: (inout Transaction) -> Void) async throws
        -> [any TableAction]
    {
        var txn = newTransaction()
        txn.add(record)
        build(&txn)
        do { return try await txn.commitReturningActions().actions } catch CatalogError.commitStateUnknown {
            try await refresh()
            guard metadata.streamCheckpoint(record.streamId, branch: record.branch)?.commitId == record.commitId else {
                throw CatalogError.commitStateUnknown("stream \(record.streamId): the commit did not land")
            }
            return []
        }
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// One commit of a `StreamWriter` or `StreamCommitter`.
public struct StreamCommit: Sendable, Hashable, Codable {
    /// The snapshot it made.
    public var snapshotId: Int64?
    /// The commit id recorded beside the positions.
    public var commitId: String
    /// Records (rows or change events) it holds.
    public var records: Int
    /// Rows written to data files (for change events: the events applied).
    public var rows: Int
    /// Data files added.
    public var files: Int
    /// Bytes of the data files added.
    public var bytes: Int64
    /// The stream's positions after it.
    public var positions: [String: Int64]
    /// From the first record buffered for it to its commit.
    public var latencyMs: Double
    /// For change events: how the replaced rows were deleted (`UpsertStrategy`).
    public var strategy: String?
    /// Attempts of the commit loop beyond the first (other commits landed first).
    public var retries = 0

    init(
        snapshotId: Int64?, commitId: String, records: Int, rows: Int, files: Int, bytes: Int64,
        positions: SourcePositions, latencyMs: Double
    ) {
        self.snapshotId = snapshotId
        self.commitId = commitId
        self.records = records
        self.rows = rows
        self.files = files
        self.bytes = bytes
        self.positions = positions.positions
        self.latencyMs = latencyMs
    }

    enum CodingKeys: String, CodingKey {
        case snapshotId = "snapshot-id"
        case commitId = "commit-id"
        case records, rows, files, bytes, positions
        case latencyMs = "latency-ms"
        case strategy, retries
    }
}
