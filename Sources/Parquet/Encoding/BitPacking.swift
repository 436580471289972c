/// Little-endian bit packing as used by the RLE/bit-packed hybrid and DELTA_BINARY_PACKED.
enum BitPacking {
    /// Packs `count` values of `width` bits (≤ 32) LSB first and appends the bytes.
    /// The appended length is `(count * width + 7) / 8`. Bits are gathered in a 64-bit
    /// accumulator and flushed four bytes at a time.
    @inline(__always)
    static func pack(_ values: UnsafePointer<UInt32>, count: Int, width: Int, into out: inout [UInt8]) {
        if width == 0 { return }
        let bytes = (count * width + 7) / 8
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bytes + 8))
        out.withUnsafeMutableBytes { buf in
            let dst = buf.baseAddress! + start
            var acc: UInt64 = 0
            var bits = 0
            var o = 0
            let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (UInt64(1) << UInt64(width)) - 1
            for i in 0..<count {
                acc |= (UInt64(values[i]) & mask) << UInt64(bits)
                bits += width
                if bits >= 32 {
                    dst.storeBytes(of: UInt32(truncatingIfNeeded: acc).littleEndian, toByteOffset: o, as: UInt32.self)
                    o += 4
                    acc >>= 32
                    bits -= 32
                }
            }
            while bits > 0 {
                dst.storeBytes(of: UInt8(truncatingIfNeeded: acc), toByteOffset: o, as: UInt8.self)
                o += 1
                acc >>= 8
                bits -= 8
            }
        }
        out.removeLast(8)
    }

    /// Packs 64-bit values of `width` bits (≤ 64) LSB first.
    static func pack64(_ values: UnsafePointer<UInt64>, count: Int, width: Int, into out: inout [UInt8]) {
        if width == 0 { return }
        let bytes = (count * width + 7) / 8
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bytes))
        out.withUnsafeMutableBufferPointer { buf in
            let dst = buf.baseAddress! + start
            var bitPos = 0
            for i in 0..<count {
                var v = values[i]
                if width < 64 { v &= (UInt64(1) << UInt64(width)) - 1 }
                var remaining = width
                while remaining > 0 {
                    let byteIndex = bitPos >> 3
                    let shift = bitPos & 7
                    let take = min(8 - shift, remaining)
                    dst[byteIndex] |= UInt8(truncatingIfNeeded: (v & ((1 << UInt64(take)) - 1)) << UInt64(shift))
                    v = take == 64 ? 0 : v >> UInt64(take)
                    remaining -= take
                    bitPos += take
                }
            }
        }
    }

    /// Unpacks `count` values of `width` bits (≤ 32) starting at `src`, which must hold
    /// at least `(count * width + 7) / 8` bytes. Whole 8-byte loads are used while they stay
    /// inside the input; the last few values are read byte by byte.
    @inline(__always)
    static func unpack(_ src: UnsafePointer<UInt8>, count: Int, width: Int, into dst: UnsafeMutablePointer<UInt32>) {
        if width == 0 {
            dst.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (UInt64(1) << UInt64(width)) - 1
        let byteLength = (count * width + 7) / 8
        let raw = UnsafeRawPointer(src)
        var i = 0
        var bit = 0
        // Eight values at a time: a group of 8 spans exactly `width` bytes, so each value's
        // 64-bit load starts at a fixed byte of the group (loads stay inside the input).
        while i + 8 <= count && (bit >> 3) + width + 8 <= byteLength {
            let group = raw + (bit >> 3)
            for k in 0..<8 {
                let b = k &* width
                let word = UInt64(littleEndian: group.loadUnaligned(fromByteOffset: b >> 3, as: UInt64.self))
                dst[i &+ k] = UInt32(truncatingIfNeeded: (word >> UInt64(b & 7)) & mask)
            }
            i += 8
            bit += 8 * width
        }
        while i < count {
            let byte = bit >> 3
            if byte + 8 > byteLength { break }
            let word = raw.loadUnaligned(fromByteOffset: byte, as: UInt64.self)
            dst[i] = UInt32(truncatingIfNeeded: (UInt64(littleEndian: word) >> UInt64(bit & 7)) & mask)
            bit += width
            i += 1
        }
        while i < count {
            var v: UInt64 = 0
            var got = 0
            var b = bit
            while got < width {
                let shift = b & 7
                let take = min(8 - shift, width - got)
                v |= ((UInt64(src[b >> 3]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
                got += take
                b += take
            }
            dst[i] = UInt32(truncatingIfNeeded: v)
            bit += width
            i += 1
        }
    }

    /// Unpacks 64-bit values of `width` bits (≤ 64).
    static func unpack64(_ src: UnsafePointer<UInt8>, count: Int, width: Int, into dst: UnsafeMutablePointer<UInt64>) {
        if width == 0 {
            dst.update(repeating: 0, count: count)
            return
        }
        var bitPos = 0
        for i in 0..<count {
            var v: UInt64 = 0
            var got = 0
            while got < width {
                let byteIndex = bitPos >> 3
                let shift = bitPos & 7
                let take = min(8 - shift, width - got)
                let bits = (UInt64(src[byteIndex]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
                v |= bits << UInt64(got)
                got += take
                bitPos += take
            }
            dst[i] = v
        }
    }
}
