extension Array where Element == UInt8 {
    @inline(__always)
    mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(v))
    }

    @inline(__always)
    mutating func appendZigzag(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inline(__always)
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }

    /// Appends the raw memory of a contiguous array of trivial values (little-endian host).
    @inline(__always)
    mutating func appendRaw<T>(_ values: UnsafeBufferPointer<T>) {
        append(contentsOf: UnsafeRawBufferPointer(values))
    }
}

/// A bounds-checked cursor over bytes, used by decoders. Every read checks the remaining length.
struct ByteCursor {
    let base: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    init(_ base: UnsafeRawBufferPointer, start: Int = 0, end: Int? = nil) {
        self.base = base
        self.position = start
        self.end = end ?? base.count
    }

    var remaining: Int { end - position }

    mutating func readByte() throws(DecodeError) -> UInt8 {
        guard position < end else { throw .truncated("byte at \(position)") }
        let b = base[position]
        position += 1
        return b
    }

    mutating func readVarint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated("varint at \(position)") }
            let b = base[position]
            position += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .invalid("varint longer than 10 bytes at \(position)") }
        }
    }

    mutating func readZigzag() throws(DecodeError) -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    mutating func readUInt32LE() throws(DecodeError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated("4-byte length at \(position)") }
        let v = base.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: v)
    }

    mutating func skip(_ n: Int) throws(DecodeError) {
        guard n >= 0, remaining >= n else { throw .truncated("\(n) bytes at \(position)") }
        position += n
    }
}

/// Bits needed to represent `value`.
@inline(__always)
func bitWidth(of value: UInt64) -> Int { value == 0 ? 0 : 64 - value.leadingZeroBitCount }
