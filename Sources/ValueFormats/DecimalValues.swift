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
