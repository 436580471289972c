/// A namespace: one or more levels (`analytics`, `analytics.events`).
public struct Namespace: Sendable, Hashable, CustomStringConvertible {
    /// The levels.
    public var levels: [String]
    /// Creates a namespace from levels.
    public init(_ levels: [String]) { self.levels = levels }
    /// Parses dotted text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else {
            throw CatalogError.invalidArgument("invalid namespace '\(text)'")
        }
        levels = parts
    }
    /// Dotted text.
    public var description: String { levels.joined(separator: ".") }
}

/// A table name within a namespace.
public struct TableIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The namespace.
    public var namespace: Namespace
    /// The table name.
    public var name: String
    /// Creates an identifier.
    public init(namespace: Namespace, name: String) {
        self.namespace = namespace
        self.name = name
    }
    /// Parses `ns.table` (the last level is the table).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts.contains(where: \.isEmpty) else {
            throw CatalogError.invalidArgument("invalid table identifier '\(text)': expected NAMESPACE.TABLE")
        }
        namespace = Namespace(Array(parts.dropLast()))
        name = parts.last!
    }
    /// `ns.table`.
    public var description: String { "\(namespace).\(name)" }
}
