/// One change a `Transaction` makes to a table: an append, a delete, a property change, an
/// expiration… (Java's `PendingUpdate`).
///
/// The transaction calls `apply(to:)` once per attempt, on the table as the catalog holds it
/// then (refreshed after a conflict) with the earlier actions' updates already applied. The
/// action checks that its precondition still holds there (throwing
/// `CatalogError.validationFailed` when it does not), writes the files it needs through
/// `PendingChanges.write`, and records its metadata updates with `PendingChanges.apply`.
/// Requirements are derived from the updates by the transaction. An action may keep state
/// between attempts (a manifest it can reuse).
public protocol TableAction: Sendable {
    /// Builds this action's updates on `changes`.
    mutating func apply(to changes: inout PendingChanges) async throws
    /// Runs once the transaction's commit has landed, with the committed table (for example
    /// deleting files that only expired snapshots reached); it cannot fail the commit, so it
    /// records problems in the action's result. Default: nothing.
    mutating func finish(committed: Table) async
}

extension TableAction {
    /// Nothing to do after the commit.
    public mutating func finish(committed: Table) async {}
}

/// The state one attempt of a transaction builds: the table it starts from, the metadata
/// after the updates so far, and the files written for it.
public struct PendingChanges: Sendable {
    /// The table as the catalog held it when this attempt began.
    public let base: Table
    /// The metadata when the transaction began (actions validate what changed since).
    public let startingMetadata: TableMetadata
    /// `base.metadata` with every update recorded so far applied.
    public private(set) var metadata: TableMetadata
    /// The updates recorded so far, in order.
    public private(set) var updates: [TableUpdate] = []
    /// Requirements an action asks for beyond those derived from its updates.
    public private(set) var extraRequirements: [TableRequirement] = []
    /// Which attempt this is (1 for the first).
    public let attempt: Int
    /// What the updates recorded so far added (for `-1`, "the last added").
    private var added = AddedInCommit()
    /// Files written for this attempt only (deleted when it loses a race).
    private(set) var attemptFiles: [String] = []
    /// Files written once and reused by later attempts (deleted only if the transaction fails).
    private(set) var reusedFiles: [String] = []
    /// Properties every snapshot produced from here on adds to its summary (the transaction's
    /// `snapshotProperties`, then what actions add, such as a stream's positions).
    var snapshotProperties: [(String, String)]
    private let now: Int64

    init(base: Table, startingMetadata: TableMetadata, attempt: Int, snapshotProperties: [(String, String)] = []) {
        self.base = base
        self.startingMetadata = startingMetadata
        self.metadata = base.metadata
        self.attempt = attempt
        self.snapshotProperties = snapshotProperties
        self.now = WallClock.nowMs()
    }

    /// Storage for the table's files.
    public var io: FileIO { base.io }

    /// Applies `update` to `metadata` and records it for the commit.
    public mutating func apply(_ update: TableUpdate) throws {
        try update.apply(to: &metadata, now: now, added: &added)
        updates.append(update)
    }

    /// Adds a requirement on the catalog's current metadata (checked as the commit lands).
    public mutating func require(_ requirement: TableRequirement) {
        if !extraRequirements.contains(requirement) { extraRequirements.append(requirement) }
    }

    /// Requires the current schema and default spec to be the ones this attempt wrote data
    /// files under, so an attempt that lost a race to a schema or partition change is redone
    /// rather than committing files of a stale schema.
    public mutating func requireWritingSchemaAndSpec() {
        require(.assertCurrentSchemaId(metadata.currentSchemaId))
        require(.assertDefaultSpecId(metadata.defaultSpecId))
    }

    /// Writes a new file for this commit. With `reusedAcrossAttempts` the file stays when the
    /// attempt loses a race (the action uses it again) and is deleted only if the transaction
    /// fails for good.
    public mutating func write(_ path: String, _ bytes: [UInt8], reusedAcrossAttempts: Bool = false) async throws {
        try await io.write(path, bytes)
        if reusedAcrossAttempts { reusedFiles.append(path) } else { attemptFiles.append(path) }
    }

    /// Records files written by other means (a `TableWriter`), so a lost race (unless
    /// `reusedAcrossAttempts`) or a failure of the transaction removes them.
    public mutating func track(_ paths: [String], reusedAcrossAttempts: Bool = false) {
        if reusedAcrossAttempts { reusedFiles += paths } else { attemptFiles += paths }
    }

    /// A new file name under the table's metadata folder: `<location>/metadata/<uuid>-<suffix>`.
    public func newMetadataPath(_ suffix: String) -> String {
        "\(metadata.location)/metadata/\(RandomUUID.make())-\(suffix)"
    }
}
