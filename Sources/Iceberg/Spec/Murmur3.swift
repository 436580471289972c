/// The 32-bit Murmur3 hash (x86 variant, seed 0) that Iceberg's bucket transform uses.
public enum Murmur3 {
    /// Hashes bytes.
    public static func hash32<C: Collection>(_ data: C, seed: UInt32 = 0) -> Int32 where C.Element == UInt8 {
        let bytes = Array(data)
        let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
        var h = seed
        let blocks = bytes.count / 4
        for i in 0..<blocks {
            var k = UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24
            k = k &* c1
            k = (k << 15) | (k >> 17)
            k = k &* c2
            h ^= k
            h = (h << 13) | (h >> 19)
            h = h &* 5 &+ 0xE654_6B64
        }
        var k: UInt32 = 0
        let tail = blocks * 4
        switch bytes.count & 3 {
        case 3:
            k ^= UInt32(bytes[tail + 2]) << 16
            fallthrough
        case 2:
            k ^= UInt32(bytes[tail + 1]) << 8
            fallthrough
        case 1:
            k ^= UInt32(bytes[tail])
            k = k &* c1
            k = (k << 15) | (k >> 17)
            k = k &* c2
            h ^= k
        default:
            break
        }
        h ^= UInt32(truncatingIfNeeded: bytes.count)
        h ^= h >> 16
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return Int32(bitPattern: h)
    }

    /// Hashes a long as its 8 little-endian bytes (ints, dates, times and timestamps too).
    public static func hashLong(_ v: Int64) -> Int32 {
        withUnsafeBytes(of: v.littleEndian) { hash32($0) }
    }
}
