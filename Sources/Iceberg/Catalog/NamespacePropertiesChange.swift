/// What a namespace property update did.
public struct NamespacePropertiesChange: Sendable, Equatable {
    /// Keys set or replaced.
    public var updated: [String]
    /// Keys removed.
    public var removed: [String]
    /// Keys asked to be removed that were not there.
    public var missing: [String]
    /// Creates a result.
    public init(updated: [String], removed: [String], missing: [String]) {
        self.updated = updated
        self.removed = removed
        self.missing = missing
    }
}
