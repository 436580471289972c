/// Decodes Roaring bitmaps in the portable serialization (RoaringFormatSpec), appending each
/// value — ascending, offset by a high part — to an array.
struct RoaringReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    /// Most values appended in all (the caller's bound on the bitmap's cardinality).
    let maxValues: Int

    private static let cookieWithRuns: UInt32 = 12347
    private static let cookieWithoutRuns: UInt32 = 12346
    /// Containers at or below this cardinality are arrays; above, 8 KiB bitsets.
    private static let maxArrayCardinality = 4096

    init(bytes: UnsafeRawBufferPointer, maxValues: Int = .max) {
        self.bytes = bytes
        self.maxValues = maxValues
    }

    private mutating func take(_ n: Int) throws(PuffinError) -> Int {
        guard n >= 0, bytes.count - position >= n else {
            throw .malformedBlob("Roaring bitmap truncated at byte \(position) (needs \(n) more)")
        }
        defer { position += n }
        return position
    }

    mutating func uint16() throws(PuffinError) -> UInt16 {
        let at = try take(2)
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    mutating func uint32() throws(PuffinError) -> UInt32 {
        let at = try take(4)
        return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3])
            << 24
    }

    mutating func uint64() throws(PuffinError) -> UInt64 {
        UInt64(try uint32()) | UInt64(try uint32()) << 32
    }

    /// Reads one 32-bit bitmap and appends `high | value` for each value in it.
    mutating func appendBitmap(high: Int64, to out: inout [Int64]) throws(PuffinError) {
        let cookie = try uint32()
        let containers: Int
        var runFlags: [UInt8] = []
        let hasOffsets: Bool
        if cookie & 0xFFFF == Self.cookieWithRuns {
            containers = Int(cookie >> 16) + 1
            let at = try take((containers + 7) / 8)
            runFlags = Array(bytes[at..<(at + (containers + 7) / 8)])
            hasOffsets = containers >= 4
        } else if cookie == Self.cookieWithoutRuns {
            let count = try uint32()
            guard count <= 1 << 16 else { throw .malformedBlob("Roaring bitmap with \(count) containers") }
            containers = Int(count)
            hasOffsets = true
        } else {
            throw .malformedBlob("Roaring bitmap with cookie \(cookie)")
        }
        var keys: [UInt16] = []
        var cardinalities: [Int] = []
        keys.reserveCapacity(containers)
        cardinalities.reserveCapacity(containers)
        for _ in 0..<containers {
            keys.append(try uint16())
            cardinalities.append(Int(try uint16()) + 1)
        }
        if hasOffsets { _ = try take(4 * containers) }  // offsets: containers follow in order anyway
        var previousKey = -1
        for c in 0..<containers {
            guard Int(keys[c]) > previousKey else { throw .malformedBlob("Roaring container keys out of order") }
            previousKey = Int(keys[c])
            let base = high | Int64(keys[c]) << 16
            // Checked before decoding: a run container turns 4 bytes into up to 65,536 values.
            guard cardinalities[c] <= maxValues - out.count else {
                throw .malformedBlob("Roaring bitmap holds more than the \(maxValues) values expected")
            }
            let isRun = !runFlags.isEmpty && runFlags[c / 8] & (1 << (c % 8)) != 0
            if isRun {
                let runs = Int(try uint16())
                var produced = 0
                var last = -1
                for _ in 0..<runs {
                    let start = Int(try uint16())
                    let length = Int(try uint16()) + 1
                    guard start > last, start + length <= 1 << 16, produced + length <= cardinalities[c] else {
                        throw .malformedBlob(
                            "Roaring run \(start)+\(length) out of order, out of range or beyond the container's \(cardinalities[c]) values"
                        )
                    }
                    for v in start..<(start + length) { out.append(base | Int64(v)) }
                    last = start + length - 1
                    produced += length
                }
                guard produced == cardinalities[c] else {
                    throw .malformedBlob(
                        "Roaring run container holds \(produced) values, its header says \(cardinalities[c])")
                }
            } else if cardinalities[c] <= Self.maxArrayCardinality {
                let at = try take(2 * cardinalities[c])
                var last = -1
                for i in 0..<cardinalities[c] {
                    let v = Int(bytes[at + 2 * i]) | Int(bytes[at + 2 * i + 1]) << 8
                    guard v > last else { throw .malformedBlob("Roaring array container out of order") }
                    last = v
                    out.append(base | Int64(v))
                }
            } else {
                let at = try take(8192)
                var produced = 0
                for word in 0..<1024 {
                    var w = bytes.loadUnaligned(fromByteOffset: at + 8 * word, as: UInt64.self).littleEndian
                    while w != 0 {
                        let bit = w.trailingZeroBitCount
                        out.append(base | Int64(word * 64 + bit))
                        w &= w - 1
                        produced += 1
                    }
                }
                guard produced == cardinalities[c] else {
                    throw .malformedBlob(
                        "Roaring bitset container holds \(produced) values, its header says \(cardinalities[c])")
                }
            }
        }
    }
}
