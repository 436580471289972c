/// Errors thrown while decoding Thrift compact data. Each names the byte offset.
public enum ThriftError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Input ended before a value was complete.
    case truncated(offset: Int)
    /// A varint ran longer than its type permits.
    case varintTooLong(offset: Int)
    /// An unknown type nibble was found.
    case invalidType(UInt8, offset: Int)
    /// A length or size prefix is negative or beyond the configured limit.
    case lengthLimitExceeded(length: Int, limit: Int, offset: Int)
    /// A container holds more elements than the configured limit.
    case containerLimitExceeded(count: Int, limit: Int, offset: Int)
    /// Structs or containers nest deeper than the configured limit.
    case depthLimitExceeded(limit: Int, offset: Int)
    /// A required field of a struct is missing.
    case missingField(structName: String, field: String)
    /// A field has the wrong wire type for its declared type.
    case unexpectedType(structName: String, fieldId: Int16, type: CompactType)
    /// A decoded value is outside its permitted range.
    case invalidValue(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .truncated(let o): return "thrift: input truncated at byte \(o)"
        case .varintTooLong(let o): return "thrift: varint too long at byte \(o)"
        case .invalidType(let t, let o): return "thrift: invalid compact type \(t) at byte \(o)"
        case .lengthLimitExceeded(let l, let m, let o): return "thrift: length \(l) at byte \(o) exceeds the limit \(m)"
        case .containerLimitExceeded(let c, let m, let o):
            return "thrift: container of \(c) elements at byte \(o) exceeds the limit \(m)"
        case .depthLimitExceeded(let m, let o): return "thrift: nesting deeper than \(m) at byte \(o)"
        case .missingField(let s, let f): return "thrift: \(s) is missing required field \(f)"
        case .unexpectedType(let s, let id, let t): return "thrift: \(s) field \(id) has unexpected type \(t)"
        case .invalidValue(let m): return "thrift: \(m)"
        }
    }
}
