/// The 32-bit Murmur3 hash (x86 variant, seed 0) that Iceberg's bucket transform uses.
public enum Murmur3 {
    /// Hashes bytes.
    public static func hash32<C: Collection>(_ data: C, seed: UInt32 = 0) -> Int32 where C.Element == UInt8 {
        let bytes = Array(data)
        var h = seed
        let blocks = bytes.count / 4
        for i in 0..<blocks {
            h = mixBlock(
                h,
                UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(
                    bytes[4 * i + 3]) << 24)
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
            h ^= scramble(k)
        default:
            break
        }
        return finalize(h, length: bytes.count)
    }

    /// Hashes a long as its 8 little-endian bytes (ints, dates, times and timestamps too);
    /// equal to `hash32` of those bytes, without building them.
    @inline(__always)
    public static func hashLong(_ v: Int64) -> Int32 {
        let u = UInt64(bitPattern: v)
        let h = mixBlock(mixBlock(0, UInt32(truncatingIfNeeded: u)), UInt32(truncatingIfNeeded: u >> 32))
        return finalize(h, length: 8)
    }

    @inline(__always)
    private static func scramble(_ k: UInt32) -> UInt32 {
        var k = k &* 0xCC9E_2D51
        k = (k << 15) | (k >> 17)
        return k &* 0x1B87_3593
    }

    @inline(__always)
    private static func mixBlock(_ h: UInt32, _ k: UInt32) -> UInt32 {
        var h = h ^ scramble(k)
        h = (h << 13) | (h >> 19)
        return h &* 5 &+ 0xE654_6B64
    }

    @inline(__always)
    private static func finalize(_ h: UInt32, length: Int) -> Int32 {
        var h = h ^ UInt32(truncatingIfNeeded: length)
        h ^= h >> 16
        h = h &* 0x85EB_CA6B
        h ^= h >> 13
        h = h &* 0xC2B2_AE35
        h ^= h >> 16
        return Int32(bitPattern: h)
    }
}
