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
