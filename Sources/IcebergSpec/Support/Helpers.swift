#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The wall clock, in the units table metadata uses.
package enum WallClock {
    /// Milliseconds since the Unix epoch.
    package static func nowMs() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1000 + Int64(t.tv_nsec) / 1_000_000
    }
}

/// Random version-4 UUIDs without Foundation.
public enum RandomUUID {
    /// A new UUID in canonical text form.
    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        var b = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        return ByteText.uuid(b)
    }
}

/// `v` in decimal with at least `width` digits (zeros in front; a minus sign before them).
package func zeroPadded(_ v: Int, _ width: Int) -> String {
    var out = v < 0 ? "-" : ""
    TemporalValues.pad(abs(v), width, into: &out)
    return out
}
