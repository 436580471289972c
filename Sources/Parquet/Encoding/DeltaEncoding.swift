/// DELTA_BINARY_PACKED: blocks of 128 deltas in 4 miniblocks of 32, each bit-packed at its
/// own width relative to the block's minimum delta.
enum DeltaBinaryPackedEncoder {
    static let blockSize = 128
    static let miniblocks = 4

    /// Encodes 64-bit values. For INT32 columns pass `wrap32: true` so that deltas are taken
    /// modulo 2^32 and never need more than 32 bits.
    static func encode(_ values: UnsafeBufferPointer<Int64>, wrap32: Bool, into out: inout [UInt8]) {
        let n = values.count
        out.appendVarint(UInt64(blockSize))
        out.appendVarint(UInt64(miniblocks))
        out.appendVarint(UInt64(n))
        out.appendZigzag(n > 0 ? values[0] : 0)
        guard n > 1 else { return }
        var deltas = [Int64](repeating: 0, count: blockSize)
        var packed = [UInt64](repeating: 0, count: blockSize)
        let perMini = blockSize / miniblocks
        var i = 1
        while i < n {
            let count = min(blockSize, n - i)
            var minDelta = Int64.max
            for j in 0..<count {
                var d = values[i + j] &- values[i + j - 1]
                if wrap32 { d = Int64(Int32(truncatingIfNeeded: d)) }
                deltas[j] = d
                if d < minDelta { minDelta = d }
            }
            out.appendZigzag(minDelta)
            var widths = [UInt8](repeating: 0, count: miniblocks)
            for j in 0..<blockSize {
                packed[j] = j < count ? UInt64(bitPattern: deltas[j] &- minDelta) : 0
                if wrap32 { packed[j] &= 0xFFFF_FFFF }
            }
            let usedMini = (count + perMini - 1) / perMini
            for m in 0..<usedMini {
                var or: UInt64 = 0
                for j in m * perMini..<(m + 1) * perMini { or |= packed[j] }
                widths[m] = UInt8(bitWidth(of: or))
            }
            out.append(contentsOf: widths)
            packed.withUnsafeBufferPointer { p in
                for m in 0..<usedMini {
                    BitPacking.pack64(p.baseAddress! + m * perMini, count: perMini, width: Int(widths[m]), into: &out)
                }
            }
            i += count
        }
    }
}

/// Decoder for DELTA_BINARY_PACKED.
struct DeltaBinaryPackedDecoder {
    private var cursor: ByteCursor

    init(_ data: UnsafeRawBufferPointer, start: Int, end: Int) {
        cursor = ByteCursor(data, start: start, end: end)
    }

    /// Byte offset after the consumed blocks.
    var position: Int { cursor.position }

    /// Decodes the header's value count (up to `limit`) and returns the values.
    mutating func decode(limit: Int) throws(DecodeError) -> [Int64] {
        let blockSize = try cursor.readVarint()
        let miniblocks = try cursor.readVarint()
        let total = try cursor.readVarint()
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20 else {
            throw .invalid("DELTA_BINARY_PACKED block size \(blockSize)")
        }
        guard miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw .invalid("DELTA_BINARY_PACKED miniblock count \(miniblocks)")
        }
        guard total <= UInt64(limit) else {
            throw .invalid("DELTA_BINARY_PACKED holds \(total) values, page expects at most \(limit)")
        }
        let n = Int(total)
        var out = [Int64]()
        out.reserveCapacity(n)
        var last = try cursor.readZigzag()
        if n == 0 { return out }
        out.append(last)
        let perMini = Int(blockSize / miniblocks)
        var buffer = [UInt64](repeating: 0, count: perMini)
        while out.count < n {
            let minDelta = try cursor.readZigzag()
            var widths = [Int](repeating: 0, count: Int(miniblocks))
            for m in 0..<Int(miniblocks) {
                let w = Int(try cursor.readByte())
                guard w <= 64 else { throw .invalid("miniblock bit width \(w)") }
                widths[m] = w
            }
            for m in 0..<Int(miniblocks) where out.count < n {
                let bytes = perMini * widths[m] / 8
                guard cursor.remaining >= bytes else {
                    // The last miniblock may be truncated when it holds only padding.
                    throw .truncated("DELTA_BINARY_PACKED miniblock")
                }
                let pos = cursor.position
                buffer.withUnsafeMutableBufferPointer { b in
                    BitPacking.unpack64(
                        cursor.base.baseAddress!.assumingMemoryBound(to: UInt8.self) + pos, count: perMini,
                        width: widths[m], into: b.baseAddress!)
                }
                try cursor.skip(bytes)
                let take = min(perMini, n - out.count)
                for j in 0..<take {
                    last = last &+ minDelta &+ Int64(bitPattern: buffer[j])
                    out.append(last)
                }
            }
        }
        return out
    }
}

/// BYTE_STREAM_SPLIT: byte k of every value goes to stream k.
enum ByteStreamSplit {
    static func encode(_ raw: UnsafeRawBufferPointer, width: Int, into out: inout [UInt8]) {
        let n = raw.count / width
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: n * width))
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress! + start
            for i in 0..<n {
                for k in 0..<width { d[k * n + i] = raw[i * width + k] }
            }
        }
    }

    static func decode(_ src: UnsafeRawBufferPointer, count n: Int, width: Int) throws(DecodeError) -> [UInt8] {
        guard src.count >= n * width else {
            throw .truncated("BYTE_STREAM_SPLIT needs \(n * width) bytes, page has \(src.count)")
        }
        return [UInt8](unsafeUninitializedCapacity: n * width) { buf, c in
            for i in 0..<n {
                for k in 0..<width { buf[i * width + k] = src[k * n + i] }
            }
            c = n * width
        }
    }
}
