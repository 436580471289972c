/// One table's part of a multi-table commit.
public struct TableCommit: Sendable, Hashable {
    /// The table.
    public var identifier: TableIdentifier
    /// Conditions on its current metadata.
    public var requirements: [TableRequirement]
    /// Changes to apply.
    public var updates: [TableUpdate]
    /// Creates a table commit.
    public init(identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate]) {
        self.identifier = identifier
        self.requirements = requirements
        self.updates = updates
    }
}
