import JSONSupport

/// Errors from Avro schemas, values and container files.
public enum AvroError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A schema is invalid.
    case invalidSchema(String)
    /// Binary data is truncated or inconsistent with the schema.
    case malformedData(String)
    /// A container file is malformed.
    case malformedFile(String)
    /// A value does not match the schema when writing.
    case valueMismatch(String)
    /// A codec is not supported.
    case unsupportedCodec(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalidSchema(let m): return "invalid Avro schema: \(m)"
        case .malformedData(let m): return "malformed Avro data: \(m)"
        case .malformedFile(let m): return "malformed Avro file: \(m)"
        case .valueMismatch(let m): return "Avro value does not match its schema: \(m)"
        case .unsupportedCodec(let c): return "unsupported Avro codec '\(c)'"
        }
    }
}
