/// Encodes values in the Thrift compact protocol into a growing byte buffer.
///
/// Structs are written with `beginStruct()` / `endStruct()`, which track the field-id
/// deltas; each `write…(field:)` call writes a field header followed by the value.
public struct CompactWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    private var lastFieldId: Int16 = 0
    private var fieldIdStack: [Int16] = []

    /// Creates an empty writer.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// Starts a nested struct (the top-level struct needs no call).
    public mutating func beginStruct() {
        fieldIdStack.append(lastFieldId)
        lastFieldId = 0
    }

    /// Ends a struct: writes the stop byte and restores the enclosing field-id context.
    public mutating func endStruct() {
        bytes.append(0)
        lastFieldId = fieldIdStack.popLast() ?? 0
    }

    /// Writes a field header, using the short delta form when possible.
    public mutating func writeFieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldId)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(UInt64(zigzag: Int64(id)))
        }
        lastFieldId = id
    }

    /// Writes an unsigned LEB128 varint.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// Writes a boolean field (the value is carried in the header).
    public mutating func write(field id: Int16, _ value: Bool) {
        writeFieldHeader(id, value ? .boolTrue : .boolFalse)
    }
    /// Writes a byte field.
    public mutating func write(field id: Int16, _ value: Int8) {
        writeFieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }
    /// Writes an i16 field.
    public mutating func write(field id: Int16, _ value: Int16) {
        writeFieldHeader(id, .i16)
        writeVarint(UInt64(zigzag: Int64(value)))
    }
    /// Writes an i32 field.
    public mutating func write(field id: Int16, _ value: Int32) {
        writeFieldHeader(id, .i32)
        writeVarint(UInt64(zigzag: Int64(value)))
    }
    /// Writes an i64 field.
    public mutating func write(field id: Int16, _ value: Int64) {
        writeFieldHeader(id, .i64)
        writeVarint(UInt64(zigzag: value))
    }
    /// Writes a double field.
    public mutating func write(field id: Int16, _ value: Double) {
        writeFieldHeader(id, .double)
        writeDouble(value)
    }
    /// Writes a binary field.
    public mutating func write(field id: Int16, _ value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }
    /// Writes a string field (UTF-8 binary).
    public mutating func write(field id: Int16, _ value: String) {
        writeFieldHeader(id, .binary)
        writeBinary(Array(value.utf8))
    }
    /// Writes the header of a struct-typed field and begins the struct; finish with `endStruct()`.
    public mutating func beginStructField(_ id: Int16) {
        writeFieldHeader(id, .struct)
        beginStruct()
    }
    /// Writes the header of a list-typed field followed by the list header.
    public mutating func beginListField(_ id: Int16, elementType: CompactType, count: Int) {
        writeFieldHeader(id, .list)
        writeListHeader(elementType, count: count)
    }

    /// Writes a list (or set) header.
    public mutating func writeListHeader(_ elementType: CompactType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }
    /// Writes a map header.
    public mutating func writeMapHeader(keyType: CompactType, valueType: CompactType, count: Int) {
        writeVarint(UInt64(count))
        if count > 0 { bytes.append(keyType.rawValue << 4 | valueType.rawValue) }
    }
    /// Writes a bare i32 (list element).
    public mutating func writeI32(_ value: Int32) { writeVarint(UInt64(zigzag: Int64(value))) }
    /// Writes a bare i64 (list element).
    public mutating func writeI64(_ value: Int64) { writeVarint(UInt64(zigzag: value)) }
    /// Writes a bare i16 (list element).
    public mutating func writeI16(_ value: Int16) { writeVarint(UInt64(zigzag: Int64(value))) }
    /// Writes a bare byte.
    public mutating func writeByte(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }
    /// Writes a bare boolean (list element form: one byte, 1 true / 2 false).
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 2) }
    /// Writes a bare double, little-endian.
    public mutating func writeDouble(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }
    /// Writes bare length-prefixed bytes.
    public mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }
    /// Writes a bare string.
    public mutating func writeString(_ value: String) { writeBinary(Array(value.utf8)) }
}

extension UInt64 {
    /// Zigzag-encodes a signed integer.
    @inlinable init(zigzag value: Int64) {
        self = UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
