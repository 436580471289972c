import JSONSupport

/// Errors of catalogs and commits.
public enum CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No such namespace.
    case noSuchNamespace(String)
    /// No such table.
    case noSuchTable(String)
    /// The namespace exists already.
    case namespaceAlreadyExists(String)
    /// The table exists already.
    case tableAlreadyExists(String)
    /// The namespace still holds tables.
    case namespaceNotEmpty(String)
    /// The table changed since it was read: retry on the refreshed table.
    case commitConflict(String)
    /// The commit itself is invalid.
    case invalidCommit(String)
    /// A transaction's action no longer applies to the refreshed table (what changed, and
    /// why it matters); not retried.
    case validationFailed(String)
    /// The outcome of a commit is unknown (never clean up files then).
    case commitStateUnknown(String)
    /// A bad identifier or argument.
    case invalidArgument(String)
    /// The catalog's storage failed.
    case storage(String)
    /// The catalog does not support the operation.
    case unsupported(String)
    /// The caller may not do this: a location outside what the catalog allows, or an
    /// operation beyond the caller's role.
    case forbidden(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .noSuchNamespace(let n): return "namespace does not exist: \(n)"
        case .noSuchTable(let t): return "table does not exist: \(t)"
        case .namespaceAlreadyExists(let n): return "namespace already exists: \(n)"
        case .tableAlreadyExists(let t): return "table already exists: \(t)"
        case .namespaceNotEmpty(let n): return "namespace is not empty: \(n)"
        case .commitConflict(let m): return "commit conflict: \(m)"
        case .invalidCommit(let m): return "invalid commit: \(m)"
        case .validationFailed(let m): return "validation failed: \(m)"
        case .commitStateUnknown(let m): return "commit state unknown: \(m)"
        case .invalidArgument(let m): return m
        case .storage(let m): return "catalog storage error: \(m)"
        case .unsupported(let m): return "not supported: \(m)"
        case .forbidden(let m): return "forbidden: \(m)"
        }
    }
}

/// Errors of file I/O.
public enum FileIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist.
    case notFound(String)
    /// The file exists and must not be overwritten.
    case alreadyExists(String)
    /// Another failure, with the system's message.
    case failed(String, String)
    /// The location's scheme is not handled by this FileIO.
    case unsupportedScheme(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .notFound(let p): return "file not found: \(p)"
        case .alreadyExists(let p): return "file already exists: \(p)"
        case .failed(let p, let m): return "\(p): \(m)"
        case .unsupportedScheme(let p): return "unsupported location scheme: \(p)"
        }
    }
}
