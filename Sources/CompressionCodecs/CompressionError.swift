import CLZ4
import CSnappy
import CZlib
import CZstd
import Synchronization

/// Errors from compressing or decompressing a buffer.
public enum CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is not valid for the codec (corrupt or truncated data).
    case corruptInput(codec: String, detail: String)
    /// The output would exceed the size limit given by the caller.
    case sizeLimitExceeded(codec: String, limit: Int)
    /// The decompressed size differs from the size the container recorded.
    case sizeMismatch(codec: String, expected: Int, actual: Int)
    /// The library reported an internal failure while compressing.
    case compressionFailed(codec: String, detail: String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .corruptInput(let c, let d): return "\(c): corrupt compressed input (\(d))"
        case .sizeLimitExceeded(let c, let l): return "\(c): decompressed size exceeds the limit of \(l) bytes"
        case .sizeMismatch(let c, let e, let a): return "\(c): decompressed to \(a) bytes, expected \(e)"
        case .compressionFailed(let c, let d): return "\(c): compression failed (\(d))"
        }
    }
}
