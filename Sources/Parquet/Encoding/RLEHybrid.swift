/// Encoder for the RLE / bit-packed hybrid (levels, dictionary indices, booleans).
///
/// Values are scanned in groups of eight: a run of eight or more equal values becomes an
/// RLE run, anything else joins the pending bit-packed groups.
enum RLEHybridEncoder {
    /// Encodes `count` values of `width` bits and appends them (no length prefix).
    static func encode(_ values: UnsafeBufferPointer<UInt32>, width: Int, into out: inout [UInt8]) {
        let n = values.count
        guard n > 0, let base = values.baseAddress else { return }
        let valueBytes = (width + 7) / 8
        var literalStart = 0
        var literalCount = 0
        var scratch = [UInt32](repeating: 0, count: 8)

        func flushLiterals(_ out: inout [UInt8]) {
            guard literalCount > 0 else { return }
            let groups = (literalCount + 7) / 8
            out.appendVarint(UInt64(groups << 1 | 1))
            let full = literalCount / 8 * 8
            BitPacking.pack(base + literalStart, count: full, width: width, into: &out)
            let rest = literalCount - full
            if rest > 0 {
                for j in 0..<8 { scratch[j] = j < rest ? base[literalStart + full + j] : 0 }
                scratch.withUnsafeBufferPointer { BitPacking.pack($0.baseAddress!, count: 8, width: width, into: &out) }
            }
            literalCount = 0
        }

        var i = 0
        while i < n {
            let v = base[i]
            var j = i + 1
            while j < n && base[j] == v { j += 1 }
            let run = j - i
            if run >= 8 {
                flushLiterals(&out)
                out.appendVarint(UInt64(run << 1))
                var x = v
                for _ in 0..<valueBytes {
                    out.append(UInt8(truncatingIfNeeded: x))
                    x >>= 8
                }
                i = j
                literalStart = i
            } else {
                if literalCount == 0 { literalStart = i }
                let take = min(8, n - i)
                literalCount += take
                i += take
            }
        }
        flushLiterals(&out)
    }

    /// Encodes levels (each < 256).
    static func encodeLevels(_ levels: UnsafeBufferPointer<UInt8>, maxLevel: Int, into out: inout [UInt8]) {
        let width = bitWidth(of: UInt64(maxLevel))
        // Fast path: a single value repeated.
        if let first = levels.first, !levels.contains(where: { $0 != first }) {
            out.appendVarint(UInt64(levels.count << 1))
            if width > 0 { out.append(first) }
            return
        }
        let widened = [UInt32](unsafeUninitializedCapacity: levels.count) { buf, c in
            for i in 0..<levels.count { buf[i] = UInt32(levels[i]) }
            c = levels.count
        }
        widened.withUnsafeBufferPointer { encode($0, width: width, into: &out) }
    }
}

/// Decoder for the RLE / bit-packed hybrid.
struct RLEHybridDecoder {
    private var cursor: ByteCursor
    private let width: Int
    private var runRemaining = 0
    private var runValue: UInt32 = 0
    private var isRLE = true
    private var packed: [UInt32] = []
    private var packedIndex = 0

    init(_ data: UnsafeRawBufferPointer, start: Int, end: Int, width: Int) {
        cursor = ByteCursor(data, start: start, end: end)
        self.width = width
    }

    /// Decodes exactly `count` values into `dst`; missing input is an error.
    mutating func decode(into dst: UnsafeMutablePointer<UInt32>, count: Int) throws(DecodeError) {
        var filled = 0
        while filled < count {
            if runRemaining == 0 {
                if try unpackDirectly(into: dst + filled, room: count - filled, filled: &filled) { continue }
                try nextRun()
            }
            let take = min(runRemaining, count - filled)
            if isRLE {
                (dst + filled).update(repeating: runValue, count: take)
            } else {
                packed.withUnsafeBufferPointer { p in
                    (dst + filled).update(from: p.baseAddress! + packedIndex, count: take)
                }
                packedIndex += take
            }
            filled += take
            runRemaining -= take
        }
    }

    /// When the next run is bit-packed and fits entirely in the caller's room, unpacks it
    /// straight into the destination. Returns false (consuming nothing) otherwise.
    private mutating func unpackDirectly(into dst: UnsafeMutablePointer<UInt32>, room: Int, filled: inout Int)
        throws(DecodeError) -> Bool
    {
        let save = cursor.position
        let header = try cursor.readVarint()
        guard header & 1 == 1 else {
            cursor = ByteCursor(cursor.base, start: save, end: cursor.end)
            return false
        }
        let groups = header >> 1
        guard groups > 0, groups <= UInt64(Int32.max / 8) else {
            throw .invalid("bad bit-packed group count \(groups)")
        }
        let n = Int(groups) * 8
        let bytes = Int(groups) * width
        guard n <= room, bytes <= cursor.remaining else {
            cursor = ByteCursor(cursor.base, start: save, end: cursor.end)
            return false
        }
        BitPacking.unpack(
            cursor.base.baseAddress!.assumingMemoryBound(to: UInt8.self) + cursor.position, count: n, width: width,
            into: dst)
        try cursor.skip(bytes)
        filled += n
        return true
    }

    /// Decodes `count` levels straight into bytes, checking each against `maxLevel`.
    mutating func decodeLevels(count: Int, maxLevel: Int, into out: inout [UInt8]) throws(DecodeError) {
        var failure: DecodeError?
        out.appendInPlace(count: count) { dst in
            do throws(DecodeError) {
                try fillLevels(dst, maxLevel: UInt32(maxLevel))
            } catch {
                failure = error
                dst.update(repeating: 0)
            }
        }
        if let failure {
            out.removeLast(count)
            throw failure
        }
    }

    /// Fills `dst` with levels: runs as one memset each, bit-packed values narrowed to bytes.
    private mutating func fillLevels(_ dst: UnsafeMutableBufferPointer<UInt8>, maxLevel: UInt32) throws(DecodeError) {
        var filled = 0
        while filled < dst.count {
            if runRemaining == 0 { try nextRun() }
            let take = min(runRemaining, dst.count - filled)
            if isRLE {
                guard runValue <= maxLevel else { throw .invalid("level \(runValue) exceeds the maximum \(maxLevel)") }
                (dst.baseAddress! + filled).update(repeating: UInt8(truncatingIfNeeded: runValue), count: take)
            } else {
                var bad = false
                packed.withUnsafeBufferPointer { p in
                    for k in 0..<take {
                        let v = p[packedIndex + k]
                        if v > maxLevel { bad = true }
                        dst[filled + k] = UInt8(truncatingIfNeeded: v)
                    }
                }
                if bad { throw .invalid("level exceeds the maximum \(maxLevel)") }
                packedIndex += take
            }
            runRemaining -= take
            filled += take
        }
    }

    private mutating func nextRun() throws(DecodeError) {
        let header = try cursor.readVarint()
        if header & 1 == 0 {
            let n = header >> 1
            guard n > 0, n <= UInt64(Int32.max) else { throw .invalid("bad RLE run length \(n)") }
            var v: UInt32 = 0
            let bytes = (width + 7) / 8
            for b in 0..<bytes { v |= UInt32(try cursor.readByte()) << UInt32(8 * b) }
            if width < 32, v >> UInt32(width) != 0 { throw .invalid("RLE value \(v) wider than \(width) bits") }
            runValue = v
            runRemaining = Int(n)
            isRLE = true
        } else {
            let groups = header >> 1
            guard groups > 0, groups <= UInt64(Int32.max / 8) else {
                throw .invalid("bad bit-packed group count \(groups)")
            }
            let n = Int(groups) * 8
            if width == 0 {
                // Zero-width values take no bytes and are all 0: a run of zeros, nothing to unpack.
                runValue = 0
                runRemaining = n
                isRLE = true
                return
            }
            let bytes = Int(groups) * width
            // The final group may be cut short by writers; pad by decoding what is there.
            let available = min(bytes, cursor.remaining)
            guard available > 0 else { throw .truncated("bit-packed run") }
            let usable = min(n, available * 8 / width)
            if packed.count < usable { packed = [UInt32](repeating: 0, count: usable) }
            let pos = cursor.position
            packed.withUnsafeMutableBufferPointer { p in
                BitPacking.unpack(
                    cursor.base.baseAddress!.assumingMemoryBound(to: UInt8.self) + pos, count: usable, width: width,
                    into: p.baseAddress!)
            }
            try cursor.skip(available)
            packedIndex = 0
            runRemaining = usable
            isRLE = false
        }
    }

    /// Byte offset just after the data consumed so far.
    var position: Int { cursor.position }
}

/// Decodes levels encoded with the hybrid encoding into bytes.
func decodeLevels(
    _ data: UnsafeRawBufferPointer, start: Int, end: Int, maxLevel: Int, count: Int,
    into out: inout [UInt8]
) throws(DecodeError) {
    var decoder = RLEHybridDecoder(data, start: start, end: end, width: bitWidth(of: UInt64(maxLevel)))
    try decoder.decodeLevels(count: count, maxLevel: maxLevel, into: &out)
}

/// Decodes legacy BIT_PACKED levels (MSB-first packing, deprecated) into bytes.
func decodeBitPackedLevels(
    _ data: UnsafeRawBufferPointer, start: Int, maxLevel: Int, count: Int,
    into out: inout [UInt8]
) throws(DecodeError) -> Int {
    let width = bitWidth(of: UInt64(maxLevel))
    let bytes = (count * width + 7) / 8
    guard data.count - start >= bytes else { throw .truncated("BIT_PACKED levels") }
    var bitPos = 0
    for _ in 0..<count {
        var v = 0
        for _ in 0..<width {
            let byte = data[start + bitPos >> 3]
            let bit = (Int(byte) >> (7 - (bitPos & 7))) & 1
            v = v << 1 | bit
            bitPos += 1
        }
        guard v <= maxLevel else { throw .invalid("level \(v) exceeds the maximum \(maxLevel)") }
        out.append(UInt8(v))
    }
    return start + bytes
}
