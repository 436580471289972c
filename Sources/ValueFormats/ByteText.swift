/// Hex and UUID text forms of byte values.
public enum ByteText {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lowercase hex.
    public static func hex<C: Collection>(_ b: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity(b.count * 2)
        for x in b {
            out.append(hexDigits[Int(x >> 4)])
            out.append(hexDigits[Int(x & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex (either case); nil when malformed.
    public static func parseHex(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        func nib(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            case 0x41...0x46: return c - 0x41 + 10
            default: return nil
            }
        }
        var i = 0
        while i < u.count {
            guard let h = nib(u[i]), let l = nib(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    /// Canonical `8-4-4-4-12` UUID text.
    public static func uuid<C: Collection>(_ b: C) -> String where C.Element == UInt8 {
        let h = Array(hex(b))
        guard h.count == 32 else { return String(h) }
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-"
            + String(h[20..<32])
    }

    /// Parses canonical UUID text into 16 bytes.
    public static func parseUUID(_ s: String) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count == 36, u[8] == 0x2D, u[13] == 0x2D, u[18] == 0x2D, u[23] == 0x2D else { return nil }
        return parseHex(String(decoding: u.filter { $0 != 0x2D }, as: UTF8.self))
    }
}
