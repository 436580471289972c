import JSONSupport

/// Errors of the Iceberg module.
public enum IcebergError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schema is malformed.
    case invalidSchema(String)
    /// A partition spec or a change to it breaks a rule.
    case invalidPartitionSpec(String)
    /// A sort order or a change to it breaks a rule.
    case invalidSortOrder(String)
    /// JSON does not follow the spec's form.
    case invalidJSON(String)
    /// A row or value does not match the schema; `row` counts from 1.
    case invalidValue(row: Int?, field: String, detail: String)
    /// A table uses a feature this SDK does not implement (what, and where).
    case unsupported(String)
    /// A table property holds text that does not parse as its type.
    case invalidProperty(key: String, value: String, expected: String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalidSchema(let m): return "invalid schema: \(m)"
        case .invalidPartitionSpec(let m): return "invalid partition spec: \(m)"
        case .invalidSortOrder(let m): return "invalid sort order: \(m)"
        case .invalidJSON(let m): return "invalid JSON: \(m)"
        case .invalidValue(let row, let field, let detail):
            if let row { return "row \(row), field '\(field)': \(detail)" }
            return "field '\(field)': \(detail)"
        case .unsupported(let m): return "unsupported: \(m)"
        case .invalidProperty(let key, let value, let expected):
            return "table property '\(key)' is '\(value)', expected \(expected)"
        }
    }
}

/// A change to table metadata that cannot be applied: what, and why.
public enum MetadataChangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The change contradicts the metadata (an unknown schema id, a lower format version, …).
    case invalid(String)
    /// The change was built on older metadata (a snapshot's sequence number is not above the
    /// table's): rebuilding it on the current metadata may succeed.
    case stale(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalid(let m): return m
        case .stale(let m): return m
        }
    }
}
