/// A table's `commit.retry.*` properties: how often and for how long a transaction that lost
/// a race is applied again to the refreshed table, with jittered exponential backoff.
///
/// A conflict with a commit that landed meanwhile (the refreshed table has a new metadata
/// location) shows another writer made progress: it does not use up one of the
/// `commit.retry.num-retries`, so writers that only race each other (appends) keep trying
/// until `commit.retry.total-timeout-ms`. Conflicts where the table did not move count.
struct CommitRetryPolicy: Sendable {
    /// `commit.retry.num-retries`: retries after conflicts that show no progress.
    let retries: Int
    /// `commit.retry.min-wait-ms`.
    let minWaitMs: Int
    /// `commit.retry.max-wait-ms`.
    let maxWaitMs: Int
    /// `commit.retry.total-timeout-ms`, counted from `init`.
    let totalTimeoutMs: Int64
    private let started = WallClock.nowMs()

    /// Reads the policy from the table's properties; the total timeout runs from now.
    init(_ m: TableMetadata) throws {
        retries = max(0, try m.value(of: TableProperties.commitNumRetries))
        minWaitMs = max(1, try m.value(of: TableProperties.commitMinRetryWaitMs))
        maxWaitMs = max(minWaitMs, try m.value(of: TableProperties.commitMaxRetryWaitMs))
        totalTimeoutMs = try m.value(of: TableProperties.commitTotalRetryTimeMs)
    }

    /// Whether another attempt may follow, given how many conflicts so far showed no
    /// progress by another writer.
    func mayRetry(stalledConflicts: Int) -> Bool {
        stalledConflicts <= retries && WallClock.nowMs() - started < totalTimeoutMs
    }

    /// The wait before the attempt after `attempt` (1-based): uniformly drawn between the
    /// minimum and a cap that doubles per attempt up to the maximum (full jitter), never past
    /// the total timeout.
    func waitMs(after attempt: Int) -> Int {
        let cap = min(maxWaitMs, minWaitMs << min(max(attempt, 1), 20))
        let left = max(0, totalTimeoutMs - (WallClock.nowMs() - started))
        return Int(min(Int64(Int.random(in: minWaitMs...max(minWaitMs, cap))), left))
    }

    /// Sleeps before the attempt after `attempt`.
    func wait(after attempt: Int) async throws {
        try await Task.sleep(nanoseconds: UInt64(waitMs(after: attempt)) * 1_000_000)
    }
}
