import JSONSupport
import Parquet

/// What one writer of a fanned-in stream hands to the `StreamCommitter`: the data files it
/// wrote (the REST spec's `ContentFile` JSON form), the source positions they advance, and
/// the writer's id and sequence (1, 2, … per writer), by which the committer commits each
/// unit once and in order. Moving units is the caller's transport (a queue, a topic, files):
/// a unit is `Codable`.
public struct StreamUnit: Sendable, Hashable, Codable {
    /// The stream.
    public var streamId: String
    /// The writer that made it.
    public var writerId: String
    /// Its place among the writer's units (from 1).
    public var sequence: Int64
    /// Records it holds.
    public var records: Int
    /// The data files, as `ContentFile` JSON objects.
    public var files: [JSONValue]
    /// The source positions its records advance to.
    public var positions: [String: Int64]

    enum CodingKeys: String, CodingKey {
        case streamId = "stream-id"
        case writerId = "writer-id"
        case sequence, records, files, positions
    }

    /// The summary key under which a stream's positions keep a writer's last committed sequence.
    static func sequenceKey(_ writerId: String) -> String { "writer/" + writerId }
}

/// Writes a stream's records into data files without committing them (fan-in: many of
/// these, in any processes, and one `StreamCommitter`). `finish()` closes the files and hands
/// out the next `StreamUnit`. A writer restarted with its id continues after the sequence
/// the table holds for it.
public struct FileWriter: Sendable {
    /// The writer's id (one process at a time per id).
    public let writerId: String
    /// The stream.
    public let streamId: String
    /// The sequence of the last unit handed out (or committed, at start).
    public private(set) var sequence: Int64
    private let table: Table
    private var writer: TableWriter?
    private var positions = SourcePositions()
    private var records = 0

    /// A writer of `table` for `streamId`, continuing after the sequence the table's branch
    /// holds for `writerId`.
    public init(table: Table, streamId: String, writerId: String, branch: String = "main") throws {
        let checkpoint = try table.committedPositions(streamId: streamId, branch: branch)
        self.table = table
        self.streamId = streamId
        self.writerId = writerId
        sequence = checkpoint?.positions[StreamUnit.sequenceKey(writerId)] ?? 0
    }

    /// Writes rows (objects in the JSON value convention) that advance the source to `positions`.
    public mutating func write(jsonRows rows: [(rowNumber: Int, row: JSONValue)], positions: SourcePositions)
        async throws
    {
        var w = try writer ?? TableWriter(metadata: table.metadata, io: table.io)
        writer = nil
        do { for (n, row) in rows { try await w.append(row, rowNumber: n) } } catch {
            await w.abort()
            self.positions = SourcePositions()
            records = 0
            throw error
        }
        writer = w
        self.positions = self.positions.advanced(by: positions)
        records += rows.count
    }

    /// Closes the files written since the last unit and hands them out as the next unit (nil
    /// when nothing was written).
    public mutating func finish() async throws -> StreamUnit? {
        guard var w = writer, records > 0 else { return nil }
        writer = nil
        let files = try await w.finish()
        sequence += 1
        let m = table.metadata
        let unit = StreamUnit(
            streamId: streamId, writerId: writerId, sequence: sequence, records: records,
            files: try files.map { f in
                let spec = m.defaultSpec
                return f.contentFileJSON(specId: spec.specId, partitionType: try spec.partitionType(m.currentSchema))
            },
            positions: positions.positions)
        positions = SourcePositions()
        records = 0
        return unit
    }

    /// Deletes what was written since the last unit.
    public mutating func abort() async {
        await writer?.abort()
        writer = nil
    }
}

/// Gathers `StreamUnit`s from any number of `FileWriter`s and commits them together on its
/// interval, with every writer's positions: a hundred consumer processes or Lambdas make one
/// commit per interval. Each writer's units commit once and in sequence order (a unit whose
/// sequence the table already holds is dropped; one that arrives ahead of a missing earlier
/// one waits for it). The commit checks the stream's positions as `StreamWriter` does, so a
/// second committer with the same stream id is fenced.
public actor StreamCommitter {
    /// How the committer commits.
    public struct Options: Sendable {
        /// The stream.
        public var streamId: String
        /// The branch written.
        public var branch = "main"
        /// How often pending units are committed (default 60 s; at least 100 ms).
        public var commitInterval: Duration = .seconds(60)
        /// Called after each commit, in order.
        public var onCommit: (@Sendable (StreamCommit) -> Void)? = nil

        /// Options for the stream `streamId`.
        public init(streamId: String) {
            self.streamId = streamId
        }
    }

    /// The table committed to.
    public let table: Table
    /// The options.
    public let options: Options
    /// The positions (and writers' sequences) the table holds for the stream after the last commit.
    public private(set) var committedPositions: SourcePositions?
    private var pending: [String: [Int64: StreamUnit]] = [:]
    private var firstPending: ContinuousClock.Instant?
    private var timer: Task<Void, Never>?
    private var failure: (any Error)?
    /// Commits run one at a time.
    private let gate = AsyncGate()

    /// A committer for `options.streamId` on `table`, from the positions the table holds.
    public init(table: Table, options: Options) throws {
        guard options.commitInterval >= .milliseconds(100) else {
            throw CatalogError.invalidArgument("the commit interval must be at least 100 ms")
        }
        self.table = table
        self.options = options
        committedPositions = try table.committedPositions(streamId: options.streamId, branch: options.branch)?
            .positions
    }

    /// Takes a unit (dropping one already committed or already pending).
    public func add(_ unit: StreamUnit) throws {
        if let failure { throw failure }
        guard unit.streamId == options.streamId else {
            throw CatalogError.invalidArgument(
                "unit of stream \(unit.streamId) given to the committer of \(options.streamId)")
        }
        let committed = committedPositions?[StreamUnit.sequenceKey(unit.writerId)] ?? 0
        guard unit.sequence > committed, pending[unit.writerId]?[unit.sequence] == nil else { return }
        pending[unit.writerId, default: [:]][unit.sequence] = unit
        if firstPending == nil {
            firstPending = .now
            let interval = options.commitInterval
            timer = Task { [weak self] in
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                _ = try? await self?.flush()
            }
        }
    }

    /// Takes every unit of `units` as it arrives, then commits what is pending.
    public func consume<Units: AsyncSequence>(_ units: Units) async throws where Units.Element == StreamUnit {
        for try await unit in units { try add(unit) }
        try await flush()
    }

    /// Commits the pending units that can go now (each writer's next sequences without a gap).
    @discardableResult
    public func flush() async throws -> StreamCommit? {
        await gate.enter()
        defer { gate.leave() }
        if let failure { throw failure }
        timer?.cancel()
        timer = nil
        let started = firstPending
        firstPending = nil
        var expected = committedPositions
        var units: [StreamUnit] = []
        for writer in pending.keys.sorted() {
            var next = (expected?[StreamUnit.sequenceKey(writer)] ?? 0) + 1
            while let unit = pending[writer]?[next] {
                units.append(unit)
                pending[writer]?[next] = nil
                next += 1
            }
            if pending[writer]?.isEmpty == true { pending[writer] = nil }
        }
        if !pending.isEmpty, firstPending == nil { firstPending = started }
        guard !units.isEmpty else { return nil }
        var advanced = SourcePositions()
        for u in units {
            advanced = advanced.advanced(by: SourcePositions(u.positions))
            advanced.advance(StreamUnit.sequenceKey(u.writerId), to: u.sequence)
        }
        let positions = (expected ?? SourcePositions()).advanced(by: advanced)
        let m = table.metadata
        let files: [DataFile]
        let record: RecordStreamPositions
        var duration = Duration.zero
        var retries = 0
        do {
            files = try units.flatMap { u in
                try u.files.map { json in
                    try DataFile(contentFileJSON: json) { id in
                        try? m.spec(id: id)?.partitionType(m.currentSchema)
                    }
                }
            }
            guard files.allSatisfy({ $0.content == .data }) else {
                throw CatalogError.invalidArgument("stream units carry data files only")
            }
            record = try RecordStreamPositions(
                streamId: options.streamId, branch: options.branch, expected: expected, positions: positions)
            let committing = ContinuousClock.now
            let actions = try await table.commitStream(record) { [branch = options.branch] in
                $0.appendFiles(files, branch: branch)
            }
            duration = ContinuousClock.now - committing
            retries = max(0, (actions.lazy.compactMap { ($0 as? RecordStreamPositions)?.attempt }.first ?? 1) - 1)
        } catch {
            failure = error
            StreamMetrics.failed(error, stream: options.streamId, kind: "committer")
            throw error
        }
        expected = positions
        committedPositions = positions
        let latency = started.map { ContinuousClock.now - $0 } ?? .zero
        var result = StreamCommit(
            snapshotId: table.metadata.head(of: options.branch)?.snapshotId, commitId: record.commitId,
            records: units.reduce(0) { $0 + $1.records }, rows: files.reduce(0) { $0 + Int($1.recordCount) },
            files: files.count, bytes: files.reduce(0) { $0 + $1.fileSizeInBytes }, positions: positions,
            latencyMs: latency.milliseconds)
        result.retries = retries
        StreamMetrics.committed(result, stream: options.streamId, kind: "committer", duration: duration)
        options.onCommit?(result)
        return result
    }
}
