import CSQLite
import Iceberg

/// Errors from SQLite, with its message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public var message: String
    /// A readable explanation.
    public var description: String { "SQLite: \(message)" }
}
