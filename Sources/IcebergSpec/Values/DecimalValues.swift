/// Decimal text ↔ unscaled integers, and the big-endian two's complement byte form.
public enum DecimalValues {
    /// Errors name what was wrong with the text.
    public struct ParseError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Parses `-123.45` into an unscaled integer with exactly `scale` fraction digits.
    /// Fewer fraction digits are padded; extra digits must be zeros; the total digit count
    /// must fit `precision`.
    public static func parse(_ text: String, precision: Int, scale: Int) throws -> Int128 {
        var t = text
        return try t.withUTF8 { try parse(utf8: $0, precision: precision, scale: scale) }
    }

    /// Parses decimal text from UTF-8 bytes; see `parse(_:precision:scale:)`.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) throws -> Int128 {
        var text: String { String(decoding: bytes, as: UTF8.self) }
        var negative = false
        var i = 0
        if let f = bytes.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            negative = f == UInt8(ascii: "-")
            i = 1
        }
        var value: Int128 = 0
        var intDigits = 0
        var fracDigits = 0
        var seenPoint = false
        var significant = false
        guard i < bytes.count else { throw ParseError(description: "empty decimal") }
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { throw ParseError(description: "two decimal points") }
                seenPoint = true
                continue
            }
            guard c >= 0x30 && c <= 0x39 else {
                throw ParseError(description: "invalid character in decimal '\(text)'")
            }
            if seenPoint {
                fracDigits += 1
                if fracDigits > scale {
                    guard c == 0x30 else {
                        throw ParseError(description: "'\(text)' has more than \(scale) fraction digits")
                    }
                    continue
                }
            } else {
                if c != 0x30 { significant = true }
                if significant { intDigits += 1 }
            }
            value = value * 10 + Int128(c - 0x30)
            guard intDigits + scale <= precision else {
                throw ParseError(description: "'\(text)' does not fit decimal(\(precision), \(scale))")
            }
        }
        for _ in min(fracDigits, scale)..<scale { value *= 10 }
        return negative ? -value : value
    }

    /// Formats an unscaled integer with exactly `scale` fraction digits.
    public static func format(_ unscaled: Int128, scale: Int) -> String {
        let negative = unscaled < 0
        var digits = String(negative ? (0 - unscaled).magnitude : unscaled.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Big-endian two's complement in exactly `width` bytes.
    public static func bytes(_ v: Int128, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width)
        var x = v
        for i in stride(from: width - 1, through: 0, by: -1) {
            out[i] = UInt8(truncatingIfNeeded: x)
            x >>= 8
        }
        return out
    }

    /// Reads big-endian two's complement bytes (at most 16).
    public static func unscaled<C: Collection>(fromBigEndian b: C) -> Int128? where C.Element == UInt8 {
        guard b.count <= 16 else { return nil }
        guard let first = b.first else { return 0 }
        var v: Int128 = first & 0x80 != 0 ? -1 : 0
        for byte in b { v = (v << 8) | Int128(byte) }
        return v
    }
}

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

extension IcebergType {
    /// Bytes needed to store a decimal of this precision as FIXED_LEN_BYTE_ARRAY.
    package static func decimalBytes(precision: Int) -> Int {
        var n = 1
        while true {
            // Largest positive value in n bytes: 2^(8n-1) - 1; it must hold 10^precision - 1.
            let bits = 8 * n - 1
            if Double(bits) * 0.30102999566398120 >= Double(precision) { return n }
            n += 1
        }
    }
}
