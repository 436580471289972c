/// Decodes the Thrift compact protocol from a byte array, with limits on sizes and depth.
///
/// Typical use for a struct:
/// ```
/// reader.beginStruct()
/// while let (id, type) = try reader.readFieldHeader() {
///     switch id { case 1: x = try reader.readI32(type) … default: try reader.skip(type) }
/// }
/// reader.endStruct()
/// ```
public struct CompactReader: Sendable {
    /// The underlying bytes.
    public let bytes: [UInt8]
    /// The current offset into `bytes`.
    public private(set) var position: Int
    private let end: Int
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []
    private var pendingBool: Bool? = nil
    /// The limits in force.
    public let limits: ThriftLimits

    /// Creates a reader over `bytes[range]`.
    public init(bytes: [UInt8], range: Range<Int>? = nil, limits: ThriftLimits = .default) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        self.position = r.lowerBound
        self.end = r.upperBound
        self.limits = limits
    }

    /// Bytes remaining before the end of the range.
    public var remaining: Int { end - position }

    /// Begins reading a struct's fields.
    public mutating func beginStruct() throws(ThriftError) {
        guard fieldIdStack.count < limits.maxDepth else {
            throw .depthLimitExceeded(limit: limits.maxDepth, offset: position)
        }
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Finishes a struct after its stop byte was read.
    public mutating func endStruct() {
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Reads the next field header, or returns nil at the struct's stop byte.
    public mutating func readFieldHeader() throws(ThriftError) -> (id: Int16, type: CompactType)? {
        let start = position
        let byte = try readRawByte()
        if byte == 0 { return nil }
        guard let type = CompactType(rawValue: byte & 0x0F) else { throw .invalidType(byte & 0x0F, offset: start) }
        let delta = byte >> 4
        let id: Int16
        if delta != 0 {
            let sum = Int(lastFieldId) + Int(delta)
            guard sum <= Int(Int16.max) else { throw .invalidValue("field id overflow at byte \(start)") }
            id = Int16(sum)
        } else {
            id = try readI16Value()
        }
        lastFieldId = id
        switch type {
        case .boolTrue: pendingBool = true
        case .boolFalse: pendingBool = false
        default: pendingBool = nil
        }
        return (id, type)
    }

    @inline(__always)
    mutating func readRawByte() throws(ThriftError) -> UInt8 {
        guard position < end else { throw .truncated(offset: position) }
        let b = bytes[position]
        position += 1
        return b
    }

    /// Reads an unsigned varint of at most 10 bytes.
    public mutating func readVarint() throws(ThriftError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readRawByte()
            if shift == 63 && b > 1 { throw .varintTooLong(offset: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .varintTooLong(offset: start) }
        }
    }

    private mutating func readZigzag() throws(ThriftError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    private mutating func readI16Value() throws(ThriftError) -> Int16 {
        let start = position
        let v = try readZigzag()
        guard let r = Int16(exactly: v) else { throw .invalidValue("i16 out of range at byte \(start)") }
        return r
    }

    /// Reads a boolean: from the pending field header, or a list-element byte.
    public mutating func readBool() throws(ThriftError) -> Bool {
        if let b = pendingBool {
            pendingBool = nil
            return b
        }
        let start = position
        switch try readRawByte() {
        case 1: return true
        case 0, 2: return false
        case let other: throw .invalidValue("bad boolean byte \(other) at \(start)")
        }
    }
    /// Reads a byte.
    public mutating func readByte() throws(ThriftError) -> Int8 { Int8(bitPattern: try readRawByte()) }
    /// Reads an i16.
    public mutating func readI16() throws(ThriftError) -> Int16 { try readI16Value() }
    /// Reads an i32.
    public mutating func readI32() throws(ThriftError) -> Int32 {
        let start = position
        let v = try readZigzag()
        guard let r = Int32(exactly: v) else { throw .invalidValue("i32 out of range at byte \(start)") }
        return r
    }
    /// Reads an i64.
    public mutating func readI64() throws(ThriftError) -> Int64 { try readZigzag() }
    /// Reads a little-endian double.
    public mutating func readDouble() throws(ThriftError) -> Double {
        guard end - position >= 8 else { throw .truncated(offset: position) }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }
    /// Reads a length-prefixed binary value.
    public mutating func readBinary() throws(ThriftError) -> [UInt8] {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(limits.maxBinaryLength) else {
            throw .lengthLimitExceeded(length: Int(clamping: length), limit: limits.maxBinaryLength, offset: start)
        }
        let n = Int(length)
        guard end - position >= n else { throw .truncated(offset: position) }
        let r = Array(bytes[position..<position + n])
        position += n
        return r
    }
    /// Reads a UTF-8 string (invalid sequences are repaired with U+FFFD).
    public mutating func readString() throws(ThriftError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }
    /// Reads a list or set header.
    public mutating func readListHeader() throws(ThriftError) -> (elementType: CompactType, count: Int) {
        let start = position
        let byte = try readRawByte()
        guard let type = CompactType(rawValue: byte & 0x0F) else { throw .invalidType(byte & 0x0F, offset: start) }
        var count = Int(byte >> 4)
        if count == 15 {
            let v = try readVarint()
            guard v <= UInt64(limits.maxContainerSize) else {
                throw .containerLimitExceeded(count: Int(clamping: v), limit: limits.maxContainerSize, offset: start)
            }
            count = Int(v)
        }
        // Each element occupies at least one byte (bools in a list too), so a count larger
        // than the remaining input is malformed; reject before anyone allocates for it.
        guard count <= remaining || count == 0 else { throw .truncated(offset: start) }
        return (type, count)
    }
    /// Reads a map header.
    public mutating func readMapHeader() throws(ThriftError) -> (
        keyType: CompactType, valueType: CompactType, count: Int
    ) {
        let start = position
        let v = try readVarint()
        guard v <= UInt64(limits.maxContainerSize) else {
            throw .containerLimitExceeded(count: Int(clamping: v), limit: limits.maxContainerSize, offset: start)
        }
        if v == 0 { return (.stop, .stop, 0) }
        let kv = try readRawByte()
        guard let k = CompactType(rawValue: kv >> 4), let val = CompactType(rawValue: kv & 0x0F) else {
            throw .invalidType(kv, offset: start)
        }
        guard Int(v) <= remaining else { throw .truncated(offset: start) }
        return (k, val, Int(v))
    }

    /// Skips a value of the given type, including nested structs and containers.
    public mutating func skip(_ type: CompactType) throws(ThriftError) {
        try skip(type, depth: fieldIdStack.count)
    }

    private mutating func skip(_ type: CompactType, depth: Int) throws(ThriftError) {
        guard depth < limits.maxDepth else { throw .depthLimitExceeded(limit: limits.maxDepth, offset: position) }
        switch type {
        case .stop: throw .invalidType(0, offset: position)
        case .boolTrue, .boolFalse:
            if pendingBool != nil { pendingBool = nil } else { _ = try readBool() }
        case .byte: _ = try readRawByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard end - position >= 8 else { throw .truncated(offset: position) }
            position += 8
        case .uuid:
            guard end - position >= 16 else { throw .truncated(offset: position) }
            position += 16
        case .binary:
            let start = position
            let n = try readVarint()
            guard n <= UInt64(limits.maxBinaryLength) else {
                throw .lengthLimitExceeded(length: Int(clamping: n), limit: limits.maxBinaryLength, offset: start)
            }
            guard UInt64(end - position) >= n else { throw .truncated(offset: position) }
            position += Int(n)
        case .list, .set:
            let (elem, count) = try readListHeader()
            for _ in 0..<count { try skipElement(elem, depth: depth + 1) }
        case .map:
            let (k, v, count) = try readMapHeader()
            for _ in 0..<count {
                try skipElement(k, depth: depth + 1)
                try skipElement(v, depth: depth + 1)
            }
        case .struct:
            try beginStruct()
            while let (_, t) = try readFieldHeader() { try skip(t, depth: depth + 1) }
            endStruct()
        }
    }

    /// Skips `count` list elements of `type` (what a list header announced).
    public mutating func skipElements(_ type: CompactType, count: Int) throws(ThriftError) {
        for _ in 0..<count { try skipElement(type, depth: fieldIdStack.count + 1) }
    }

    private mutating func skipElement(_ type: CompactType, depth: Int) throws(ThriftError) {
        if type == .boolTrue || type == .boolFalse {
            _ = try readBool()
            return
        }
        try skip(type, depth: depth)
    }
}
