/// The legacy INT96 timestamp (Impala, Hive, old Spark): nanoseconds of the day, then the
/// Julian day number, 12 bytes little-endian.
public enum Int96Timestamp {
    /// Nanoseconds since the Unix epoch of a 12-byte INT96 value (0 for a value of another size).
    public static func nanosSinceEpoch<C: Collection>(_ bytes: C) -> Int64 where C.Element == UInt8 {
        guard bytes.count == 12 else { return 0 }
        var nanos: Int64 = 0
        var julian: Int64 = 0
        for (i, byte) in bytes.enumerated() {
            if i < 8 { nanos |= Int64(byte) << (8 * Int64(i)) } else { julian |= Int64(byte) << (8 * Int64(i - 8)) }
        }
        return (julian - 2_440_588) &* 86_400_000_000_000 &+ nanos
    }
}
