/// Changes to several tables of one catalog that land together or not at all: one
/// `Transaction` per table, committed as one `Catalog.commitTransaction`.
///
/// Each table's actions are validated, applied and retried exactly as `Transaction.commit()`
/// does — through the same loop, with the first table's `commit.retry.*` — so a conflict on
/// any table refreshes every table and applies every action again, files an attempt wrote are
/// deleted when it loses, and nothing is deleted when the outcome is unknown. The catalog
/// must commit several tables atomically (`supportsTransactions`: SQLite, in-memory, REST
/// servers that announce it); otherwise the commit is refused before anything is written.
public struct MultiTableTransaction: Sendable {
    /// The tables' transactions, in the order they were added.
    public private(set) var transactions: [Transaction]

    /// Starts with `transactions` (one per table; more can be added).
    public init(_ transactions: [Transaction] = []) {
        self.transactions = transactions
    }

    /// Adds one table's transaction.
    public mutating func add(_ transaction: Transaction) {
        transactions.append(transaction)
    }

    /// Commits every table's actions atomically; returns the tables after it, in the order
    /// the transactions were added (each started-on handle holds its new version too).
    @discardableResult
    public func commit() async throws -> [Table] {
        try await commitReturningActions().map(\.table)
    }

    /// Commits and returns, per table, the version committed and its actions as applied in
    /// the attempt that landed (with their results).
    public func commitReturningActions() async throws -> [(table: Table, actions: [any TableAction])] {
        guard let first = transactions.first else { return [] }
        let catalog = try first.requireCatalog()
        for t in transactions {
            guard let other = t.table.catalog, other.name == catalog.name else {
                throw CatalogError.invalidArgument(
                    "table \(t.table.identifier) is not in catalog \(catalog.name): a multi-table transaction commits to one catalog"
                )
            }
        }
        let ids = transactions.map(\.table.identifier)
        guard Set(ids).count == ids.count else {
            throw CatalogError.invalidArgument("a multi-table transaction changes each table once")
        }
        guard catalog.supportsTransactions else {
            throw CatalogError.unsupported("\(catalog.name): multi-table transactions")
        }
        var loop = CommitLoop(catalog: catalog, parts: transactions.map(\.commitPart))
        return try await loop.run { commits in try await catalog.commitTransaction(commits) }
    }
}
