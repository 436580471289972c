import CompressionCodecs
import ThriftCompact

/// Errors from reading or writing Parquet files. Messages name the column, page or offset.
public enum ParquetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not Parquet or its structure is broken.
    case malformedFile(String)
    /// The schema is invalid or unsupported.
    case invalidSchema(String)
    /// A page or value could not be decoded.
    case corruptPage(column: String, detail: String)
    /// A feature the file uses is not supported.
    case unsupported(String)
    /// Data handed to the writer does not match the schema.
    case invalidData(column: String, detail: String)
    /// A Thrift structure in the file failed to decode.
    case thrift(context: String, ThriftError)
    /// A compressed page failed to decompress.
    case compression(column: String, CompressionError)
    /// Reading or writing the underlying storage failed.
    case io(String)
    /// The writer was used after it was closed or after an earlier failure.
    case writerClosed

    /// A readable explanation.
    public var description: String {
        switch self {
        case .malformedFile(let m): return "malformed Parquet file: \(m)"
        case .invalidSchema(let m): return "invalid Parquet schema: \(m)"
        case .corruptPage(let c, let d): return "corrupt page in column '\(c)': \(d)"
        case .unsupported(let m): return "unsupported Parquet feature: \(m)"
        case .invalidData(let c, let d): return "invalid data for column '\(c)': \(d)"
        case .thrift(let ctx, let e): return "malformed Parquet \(ctx): \(e)"
        case .compression(let c, let e): return "column '\(c)': \(e)"
        case .io(let m): return "I/O error: \(m)"
        case .writerClosed: return "the Parquet writer is closed"
        }
    }
}

/// Low-level decoding failures; the column reader wraps them with the column name.
enum DecodeError: Error, CustomStringConvertible {
    case truncated(String)
    case invalid(String)

    var description: String {
        switch self {
        case .truncated(let m): return "data ends early (\(m))"
        case .invalid(let m): return m
        }
    }
}
