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
