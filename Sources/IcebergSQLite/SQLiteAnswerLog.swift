import CSQLite

/// Answers a server gave to requests sent with an idempotency key, kept in a SQLite file
/// (table `iceberg_rest_answers`, beside a SQLite catalog's tables) so that they outlive the
/// process: `iceberg serve` answers a request sent again after a lost answer with its first
/// answer even after a restart. Answers are text (the server's JSON form of them).
public actor SQLiteAnswerLog {
    private let handle: SQLiteHandle
    /// The database file.
    public let path: String

    /// Opens (creating) the file and the table.
    public init(path: String) throws {
        handle = try SQLiteHandle.open(path: path)
        self.path = path
        try SQLitePointerStore.exec(
            handle.db,
            """
            CREATE TABLE IF NOT EXISTS iceberg_rest_answers (
              principal TEXT NOT NULL,
              idempotency_key TEXT NOT NULL,
              fingerprint TEXT NOT NULL,
              answer TEXT NOT NULL,
              kept_at REAL NOT NULL,
              PRIMARY KEY (principal, idempotency_key));
            """)
    }

    /// The request fingerprint and answer kept for a principal's key at or after `since`.
    public func answer(principal: String, key: String, since: Double) throws -> (fingerprint: String, answer: String)? {
        let rows = try SQLitePointerStore.query(
            handle.db,
            "SELECT fingerprint, answer FROM iceberg_rest_answers WHERE principal = ? AND idempotency_key = ? AND kept_at >= ?",
            [principal, key, String(since)])
        guard let row = rows.first, let fingerprint = row[0], let answer = row[1] else { return nil }
        return (fingerprint, answer)
    }

    /// Keeps an answer (synced before this returns); forgets answers kept before `since` and
    /// the principal's oldest beyond `perPrincipal`.
    public func keep(
        principal: String, key: String, fingerprint: String, answer: String, at: Double, perPrincipal: Int,
        since: Double
    ) throws {
        let db = handle.db
        try SQLitePointerStore.exec(db, "BEGIN IMMEDIATE")
        do {
            try SQLitePointerStore.query(
                db,
                "INSERT OR REPLACE INTO iceberg_rest_answers (principal, idempotency_key, fingerprint, answer, kept_at) VALUES (?, ?, ?, ?, ?)",
                [principal, key, fingerprint, answer, String(at)])
            try SQLitePointerStore.query(db, "DELETE FROM iceberg_rest_answers WHERE kept_at < ?", [String(since)])
            try SQLitePointerStore.query(
                db,
                """
                DELETE FROM iceberg_rest_answers WHERE principal = ? AND idempotency_key NOT IN (
                  SELECT idempotency_key FROM iceberg_rest_answers WHERE principal = ? ORDER BY kept_at DESC LIMIT ?)
                """,
                [principal, principal, String(max(1, perPrincipal))])
            try SQLitePointerStore.exec(db, "COMMIT")
        } catch {
            try? SQLitePointerStore.exec(db, "ROLLBACK")
            throw error
        }
    }
}
