/// What went wrong reading a Puffin file or a blob in it.
public enum PuffinError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's structure is broken: bad magic, a footer that does not fit, bad JSON.
    case malformedFile(String)
    /// A blob's bytes do not decode (bad length, magic, checksum or bitmap).
    case malformedBlob(String)
    /// A feature this reader does not implement (an unknown codec or flag).
    case unsupported(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .malformedFile(let d): return "malformed Puffin file: \(d)"
        case .malformedBlob(let d): return "malformed Puffin blob: \(d)"
        case .unsupported(let d): return "unsupported Puffin feature: \(d)"
        }
    }
}
