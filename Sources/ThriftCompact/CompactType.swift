/// The type nibbles of the Thrift compact protocol (field headers and container element types).
public enum CompactType: UInt8, Sendable {
    /// Field-stop marker / no type.
    case stop = 0
    /// Boolean `true` (in a field header the value lives in the header).
    case boolTrue = 1
    /// Boolean `false`; also the element type of boolean lists.
    case boolFalse = 2
    /// Signed 8-bit integer.
    case byte = 3
    /// Zigzag varint 16-bit integer.
    case i16 = 4
    /// Zigzag varint 32-bit integer.
    case i32 = 5
    /// Zigzag varint 64-bit integer.
    case i64 = 6
    /// Little-endian IEEE 754 double.
    case double = 7
    /// Length-prefixed bytes (also strings).
    case binary = 8
    /// A list.
    case list = 9
    /// A set (encoded as a list).
    case set = 10
    /// A map.
    case map = 11
    /// A nested struct.
    case `struct` = 12
    /// A UUID (16 raw bytes), from newer Thrift revisions.
    case uuid = 13
}

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

/// Bounds applied while decoding so malformed input cannot exhaust memory or the stack.
public struct ThriftLimits: Sendable {
    /// Largest binary/string length accepted.
    public var maxBinaryLength: Int
    /// Largest number of elements in one list, set or map.
    public var maxContainerSize: Int
    /// Deepest nesting of structs and containers.
    public var maxDepth: Int

    /// Creates limits.
    public init(maxBinaryLength: Int = 100 << 20, maxContainerSize: Int = 10_000_000, maxDepth: Int = 64) {
        self.maxBinaryLength = maxBinaryLength
        self.maxContainerSize = maxContainerSize
        self.maxDepth = maxDepth
    }

    /// The defaults: 100 MiB binaries, ten million elements, depth 64.
    public static let `default` = ThriftLimits()
}
