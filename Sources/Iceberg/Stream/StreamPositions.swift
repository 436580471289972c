import JSONSupport

/// How far a stream's source is committed: per source partition (a Kafka topic and
/// partition such as `orders/3`, a shard, a file), the last position whose records a commit
/// holds. A writer that resumes replays its source from just after these positions.
public struct SourcePositions: Sendable, Hashable, CustomStringConvertible {
    /// The last committed position of each source partition.
    public private(set) var positions: [String: Int64]

    /// Positions by source partition.
    public init(_ positions: [String: Int64] = [:]) {
        self.positions = positions
    }

    /// The last committed position of one source partition (nil: none committed).
    public subscript(partition: String) -> Int64? { positions[partition] }

    /// Whether no source partition has a position.
    public var isEmpty: Bool { positions.isEmpty }

    /// These positions with each partition of `other` moved to the larger of the two.
    public func advanced(by other: SourcePositions) -> SourcePositions {
        SourcePositions(positions.merging(other.positions) { max($0, $1) })
    }

    /// Records the position of one source partition (kept when it is behind the one held).
    public mutating func advance(_ partition: String, to position: Int64) {
        positions[partition] = max(positions[partition] ?? position, position)
    }

    /// The positions as one JSON object, partitions in order (the summary's form).
    public var description: String {
        JSONValue.object(positions.keys.sorted().map { ($0, .int(positions[$0]!)) }).serialized()
    }

    /// Parses the summary's form; nil when it is not an object of integers.
    init?(json text: String) {
        guard case .object(let pairs)? = try? JSONValue.parse(text) else { return nil }
        var positions: [String: Int64] = [:]
        for (k, v) in pairs {
            guard let p = v.intValue else { return nil }
            positions[k] = p
        }
        self.positions = positions
    }
}

/// What the last commit of a stream into a branch recorded in its snapshot summary, as Kafka
/// Connect's Iceberg sink records its offsets and commit id (and Flink its checkpoint id).
public struct StreamCheckpoint: Sendable, Hashable {
    /// The stream.
    public let streamId: String
    /// The positions committed.
    public let positions: SourcePositions
    /// The id of the commit that recorded them (nil when a later snapshot carried them
    /// forward without one).
    public let commitId: String?
    /// The snapshot whose summary holds them: the stream's commit, or a later snapshot of the
    /// branch that carried them forward.
    public let snapshotId: Int64
}

/// A stream's commit could not land as the stream's writer expected.
public enum StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The table's last committed positions for the stream are not the ones this writer
    /// started from: another writer with the same stream id committed (a zombie after a
    /// rebalance, or a second copy started by mistake). Nothing was committed.
    case fenced(streamId: String, expected: SourcePositions?, found: SourcePositions?)
    /// A stream id that cannot name a stream (empty, too long, or with control characters).
    case invalidStreamId(String)

    public var description: String {
        switch self {
        case .fenced(let id, let expected, let found):
            return
                "stream '\(id)' is fenced: the table holds positions \(found.map(\.description) ?? "none") "
                + "where this writer expected \(expected.map(\.description) ?? "none"); another writer with the "
                + "same stream id committed. Nothing was committed; restart the writer to resume from the table."
        case .invalidStreamId(let id):
            return "invalid stream id '\(id)': use 1 to 200 printable characters"
        }
    }
}

/// The snapshot-summary keys of streams: `swift-iceberg.stream.<id>.positions` (the positions
/// as a JSON object) and `swift-iceberg.stream.<id>.commit-id`.
enum StreamSummary {
    static let prefix = "swift-iceberg.stream."

    static func positionsKey(_ streamId: String) -> String { prefix + streamId + ".positions" }

    static func commitIdKey(_ streamId: String) -> String { prefix + streamId + ".commit-id" }

    /// Whether a summary key is one every later snapshot of a branch carries forward.
    static func isCarriedForward(_ key: String) -> Bool {
        key.hasPrefix(prefix) && key.hasSuffix(".positions")
    }

    static func validate(_ streamId: String) throws {
        guard !streamId.isEmpty, streamId.count <= 200,
            streamId.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
        else { throw StreamError.invalidStreamId(streamId) }
    }
}

extension TableMetadata {
    /// The stream's last checkpoint on a branch: the newest snapshot of the branch's ancestry
    /// whose summary holds the stream's positions (nil: the stream never committed there).
    func streamCheckpoint(_ streamId: String, branch: String) -> StreamCheckpoint? {
        guard let head = head(of: branch) else { return nil }
        let key = StreamSummary.positionsKey(streamId)
        for s in ancestors(of: head.snapshotId) {
            guard let text = s.summary.first(where: { $0.0 == key })?.1 else { continue }
            guard let positions = SourcePositions(json: text) else { continue }
            let commitId = s.summary.first { $0.0 == StreamSummary.commitIdKey(streamId) }?.1
            return StreamCheckpoint(
                streamId: streamId, positions: positions, commitId: commitId, snapshotId: s.snapshotId)
        }
        return nil
    }
}

extension Table {
    /// The positions a stream last committed to a branch (nil: none), read from the
    /// snapshot summaries of the branch's ancestry. Every snapshot this SDK commits carries
    /// them forward, so compactions, other writers' commits and snapshot expiry keep them.
    public func committedPositions(streamId: String, branch: String = "main") throws -> StreamCheckpoint? {
        try StreamSummary.validate(streamId)
        return metadata.streamCheckpoint(streamId, branch: branch)
    }
}

/// Records a stream's positions in the snapshot its transaction commits, after checking in
/// every attempt that the branch still holds the positions the writer started from (Kafka
/// Connect's offset validation): a second writer with the same stream id is fenced with
/// `StreamError.fenced` and nothing commits. Add it before the actions that produce the
/// snapshot.
public struct RecordStreamPositions: TableAction {
    /// The stream.
    public let streamId: String
    /// The branch the transaction commits to.
    public let branch: String
    /// The positions the writer believes committed (nil: none yet).
    public let expected: SourcePositions?
    /// The positions after this commit.
    public let positions: SourcePositions
    /// This commit's id.
    public let commitId: String
    /// The attempt of the commit loop that applied it last (1: no retry).
    public private(set) var attempt = 0

    /// Records `positions` (those after this commit) for `streamId` on `branch`, expecting
    /// the branch to hold `expected`.
    public init(
        streamId: String, branch: String = "main", expected: SourcePositions?, positions: SourcePositions,
        commitId: String = RandomUUID.make()
    ) throws {
        try StreamSummary.validate(streamId)
        self.streamId = streamId
        self.branch = branch
        self.expected = expected
        self.positions = positions
        self.commitId = commitId
    }

    public mutating func apply(to changes: inout PendingChanges) async throws {
        attempt = changes.attempt
        let found = changes.metadata.streamCheckpoint(streamId, branch: branch)?.positions
        guard found == expected else {
            throw StreamError.fenced(streamId: streamId, expected: expected, found: found)
        }
        changes.snapshotProperties += [
            (StreamSummary.positionsKey(streamId), positions.description),
            (StreamSummary.commitIdKey(streamId), commitId),
        ]
    }
}
