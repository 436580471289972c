import ThriftCompact

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parquet's split-block Bloom filter (SBBF, the format's `BLOCK` algorithm with `XXHASH`):
/// 32-byte blocks of eight 32-bit words. A value is hashed with xxHash64 (seed 0) of its
/// PLAIN encoding (4 or 8 little-endian bytes for numbers, the bytes alone for byte arrays);
/// the hash's upper 32 bits pick a block and its lower 32 bits, times eight odd salts, set or
/// test one bit in each word. No false negatives; the false-positive rate follows from the
/// bits per distinct value.
public struct SplitBlockBloomFilter: Sendable, Hashable {
    /// The bitset, eight words per block (little-endian on disk).
    public private(set) var words: [UInt32]

    static let salts: [UInt32] = [
        0x47b6_137b, 0x4497_4d91, 0x8824_ad5b, 0xa2b7_289d, 0x7054_95c7, 0x2df1_424b, 0x9efc_4947, 0x5c6b_fb31,
    ]
    /// Smallest and largest bitset sizes, in bytes (Java's and Arrow's bounds).
    public static let minimumBytes = 32
    /// The largest bitset this SDK writes or reads.
    public static let maximumBytes = 128 << 20

    /// An empty filter of `bytes` (rounded up to a power of two, at least 32).
    public init(bytes: Int) {
        var size = Self.minimumBytes
        while size < bytes && size < Self.maximumBytes { size <<= 1 }
        words = [UInt32](repeating: 0, count: size / 4)
    }

    /// The bitset size for `distinctValues` at false-positive probability `fpp`, a power of
    /// two between 32 bytes and `maxBytes` (the format's formula: `-8 / ln(1 - fpp^(1/8))`
    /// bits per value).
    public static func optimalBytes(distinctValues: Int, fpp: Double, maxBytes: Int) -> Int {
        let p = min(max(fpp, 1e-9), 0.5)
        let bits = -8.0 * Double(max(distinctValues, 1)) / log(1 - pow(p, 1.0 / 8))
        var size = minimumBytes
        let cap = max(minimumBytes, min(maxBytes, maximumBytes))
        while Double(size) * 8 < bits && size < cap { size <<= 1 }
        return min(size, cap)
    }

    /// Size of the bitset in bytes.
    public var byteCount: Int { words.count * 4 }

    private func block(_ hash: UInt64) -> Int { Self.blockOffset(hash, bitsetBytes: byteCount) / 4 }

    /// The byte offset, in a bitset of `bitsetBytes`, of the 32-byte block that `hash` sets
    /// and tests.
    public static func blockOffset(_ hash: UInt64, bitsetBytes: Int) -> Int {
        Int(((hash >> 32) &* UInt64(bitsetBytes / 32)) >> 32) * 32
    }

    /// Whether a value with this hash may be in the filter, judged from the one 32-byte block
    /// (as stored: little-endian words) that `blockOffset` names.
    public static func block(_ block: UnsafeRawBufferPointer, mightContain hash: UInt64) -> Bool {
        precondition(block.count >= 32, "a block is 32 bytes")
        for i in 0..<8 {
            let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
            if word & bit(hash, i) == 0 { return false }
        }
        return true
    }

    /// The bit that `hash` sets in word `i` of its block.
    @inline(__always)
    private static func bit(_ hash: UInt64, _ i: Int) -> UInt32 {
        1 << ((UInt32(truncatingIfNeeded: hash) &* salts[i]) >> 27)
    }

    /// Adds a value by its hash.
    public mutating func insert(hash: UInt64) {
        let b = block(hash)
        for i in 0..<8 { words[b + i] |= Self.bit(hash, i) }
    }

    /// Whether a value with this hash may have been added (false: it certainly was not).
    public func mightContain(hash: UInt64) -> Bool {
        let b = block(hash)
        for i in 0..<8 where words[b + i] & Self.bit(hash, i) == 0 { return false }
        return true
    }

    /// Throws unless `count` is a bitset size this format allows (a multiple of 32 bytes
    /// between `minimumBytes` and `maximumBytes`).
    static func checkBitsetSize(_ count: Int) throws {
        guard count >= minimumBytes, count % 32 == 0, count <= maximumBytes else {
            throw ParquetError.malformedFile("a bloom filter bitset of \(count) bytes")
        }
    }

    /// The bitset as stored after the header.
    public var bitset: [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        for (i, w) in words.enumerated() {
            out[i * 4] = UInt8(truncatingIfNeeded: w)
            out[i * 4 + 1] = UInt8(truncatingIfNeeded: w >> 8)
            out[i * 4 + 2] = UInt8(truncatingIfNeeded: w >> 16)
            out[i * 4 + 3] = UInt8(truncatingIfNeeded: w >> 24)
        }
        return out
    }

    /// The filter from a bitset (a multiple of 32 bytes).
    public init(bitset: ArraySlice<UInt8>) throws {
        try Self.checkBitsetSize(bitset.count)
        // One copy of the little-endian words (a no-op swap on little-endian hosts).
        let n = bitset.count / 4
        var w = [UInt32](unsafeUninitializedCapacity: n) { buffer, count in
            bitset.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            count = n
        }
        for k in w.indices { w[k] = UInt32(littleEndian: w[k]) }
        words = w
    }
}

extension SplitBlockBloomFilter {
    /// The hash of an INT32 value (also DATE, small decimals).
    public static func hash(_ v: Int32) -> UInt64 { XXHash64.hash(littleEndian: UInt32(bitPattern: v)) }
    /// The hash of an INT64 value (also timestamps, decimals ≤ 18 digits).
    public static func hash(_ v: Int64) -> UInt64 { XXHash64.hash(littleEndian: UInt64(bitPattern: v)) }
    /// The hash of a FLOAT value.
    public static func hash(_ v: Float) -> UInt64 { XXHash64.hash(littleEndian: v.bitPattern) }
    /// The hash of a DOUBLE value.
    public static func hash(_ v: Double) -> UInt64 { XXHash64.hash(littleEndian: v.bitPattern) }
    /// The hash of a BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY value (its bytes, no length prefix).
    public static func hash(bytes: UnsafeRawBufferPointer) -> UInt64 { XXHash64.hash(bytes) }
    /// The hash of a string (its UTF-8 bytes).
    public static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { XXHash64.hash(UnsafeRawBufferPointer($0)) }
    }

    /// The hashes of the non-null values of a column, one per value.
    public static func hashes(_ values: ColumnValues) -> [UInt64] {
        switch values {
        case .boolean: return []
        case .int32(let v): return v.map { hash($0) }
        case .int64(let v): return v.map { hash($0) }
        case .float(let v): return v.map { hash($0) }
        case .double(let v): return v.map { hash($0) }
        case .byteArray(let b):
            return b.data.withUnsafeBytes { raw in
                (0..<b.count).map { i in
                    let start = Int(b.offsets[i])
                    let end = Int(b.offsets[i + 1])
                    return XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                }
            }
        case .fixedLenByteArray(let b), .int96(let b):
            return b.data.withUnsafeBytes { raw in
                (0..<b.count).map { i in
                    XXHash64.hash(UnsafeRawBufferPointer(rebasing: raw[i * b.width..<(i + 1) * b.width]))
                }
            }
        }
    }
}

/// xxHash64 (seed 0 by default), the hash Parquet's Bloom filters use.
public enum XXHash64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let p4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let p5: UInt64 = 0x27D4_EB2F_1656_67C5

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }
    @inline(__always) private static func merge(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        (acc ^ round(0, v)) &* p1 &+ p4
    }
    @inline(__always) private static func avalanche(_ h: UInt64) -> UInt64 {
        var h = h
        h ^= h >> 33
        h = h &* p2
        h ^= h >> 29
        h = h &* p3
        h ^= h >> 32
        return h
    }

    /// The hash of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        var i = 0
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func u32(_ at: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ p1 &+ p2
            var v2 = seed &+ p2
            var v3 = seed
            var v4 = seed &- p1
            while i + 32 <= n {
                v1 = round(v1, u64(i))
                v2 = round(v2, u64(i + 8))
                v3 = round(v3, u64(i + 16))
                v4 = round(v4, u64(i + 24))
                i += 32
            }
            h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
            h = merge(h, v1)
            h = merge(h, v2)
            h = merge(h, v3)
            h = merge(h, v4)
        } else {
            h = seed &+ p5
        }
        h = h &+ UInt64(n)
        while i + 8 <= n {
            h = rotl(h ^ round(0, u64(i)), 27) &* p1 &+ p4
            i += 8
        }
        if i + 4 <= n {
            h = rotl(h ^ (u32(i) &* p1), 23) &* p2 &+ p3
            i += 4
        }
        while i < n {
            h = rotl(h ^ (UInt64(bytes[i]) &* p5), 11) &* p1
            i += 1
        }
        return avalanche(h)
    }

    /// The hash of a 4-byte value's little-endian bytes.
    public static func hash(littleEndian v: UInt32) -> UInt64 {
        withUnsafeBytes(of: v.littleEndian) { hash($0) }
    }

    /// The hash of an 8-byte value's little-endian bytes.
    public static func hash(littleEndian v: UInt64) -> UInt64 {
        withUnsafeBytes(of: v.littleEndian) { hash($0) }
    }
}

extension SplitBlockBloomFilter {
    /// The filter as stored in a file: the Thrift `BloomFilterHeader` (size, `BLOCK`,
    /// `XXHASH`, `UNCOMPRESSED`) followed by the bitset.
    public func serialized() -> [UInt8] {
        var w = CompactWriter(capacity: 16 + byteCount)
        w.write(field: 1, Int32(byteCount))
        // Each of algorithm, hash and compression is a union whose field 1 is an empty struct.
        for field: Int16 in 2...4 {
            w.writeFieldHeader(field, .struct)
            w.beginStruct()
            w.writeFieldHeader(1, .struct)
            w.beginStruct()
            w.endStruct()
            w.endStruct()
        }
        w.endStruct()
        return w.bytes + bitset
    }

    /// Reads a filter stored at `range` of `bytes` (the header and at least its bitset);
    /// nil for an algorithm, hash or compression other than the ones this format defines.
    public static func parse(_ bytes: [UInt8], range: Range<Int>) throws -> SplitBlockBloomFilter? {
        guard let (start, n) = try header(bytes, range: range) else { return nil }
        guard start + n <= range.upperBound else {
            throw ParquetError.malformedFile("bloom filter header declares \(n) bytes past the data")
        }
        return try SplitBlockBloomFilter(bitset: bytes[start..<start + n])
    }

    /// Reads the header of a filter stored at `range` of `bytes` (the bitset need not follow):
    /// where its bitset starts in `bytes` and how many bytes it has, nil for an algorithm, hash
    /// or compression other than the ones this format defines.
    public static func header(_ bytes: [UInt8], range: Range<Int>) throws -> (bitsetStart: Int, bitsetBytes: Int)? {
        var r = CompactReader(bytes: bytes, range: range)
        var numBytes: Int32?
        var known = true
        do {
            try r.readStruct { (r, id, type) throws(ThriftError) in
                switch id {
                case 1:
                    numBytes = try r.readI32()
                    return true
                case 2, 3, 4:
                    // A union: field 1 is the one variant defined so far.
                    var variant: Int16?
                    try r.readStruct { (r, vid, vtype) throws(ThriftError) in
                        variant = vid
                        try r.skip(vtype)
                        return true
                    }
                    if variant != 1 { known = false }
                    return true
                default:
                    return false
                }
            }
        } catch {
            throw ParquetError.malformedFile("bloom filter header: \(error)")
        }
        guard known else { return nil }
        let n = Int(numBytes ?? 0)
        try checkBitsetSize(n)
        return (r.position, n)
    }
}
