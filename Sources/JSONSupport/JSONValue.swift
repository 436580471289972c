#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A parsed JSON document. Integers that fit in 64 bits are kept exact; objects keep their
/// key order (the order matters for readable output and for spec examples).
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer literal that fits in Int64.
    case int(Int64)
    /// Any other number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object as ordered key/value pairs.
    case object([(String, JSONValue)])

    /// Equality compares objects as ordered pairs.
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// Hashes consistently with `==`.
    public func hash(into h: inout Hasher) {
        switch self {
        case .null: h.combine(0)
        case .bool(let b): h.combine(b)
        case .int(let i): h.combine(i)
        case .double(let d): h.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
        case .string(let s): h.combine(s)
        case .array(let a): h.combine(a)
        case .object(let o):
            for (k, v) in o {
                h.combine(k)
                h.combine(v)
            }
        }
    }

    /// The value of a key in an object (first match).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    /// The integer, if this is an integer literal.
    public var intValue: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }
    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    /// The number as a double (integers converted).
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Parses a JSON document.
    public static func parse(_ text: String) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes)
    }

    /// Parses a JSON document from UTF-8 bytes.
    public static func parse(bytes: inout [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buf in
            var p = JSONScanner(buf)
            let v = try p.parseValue(depth: 0)
            p.skipWhitespace()
            guard p.atEnd else { throw p.error("unexpected text after the JSON value") }
            return v
        }
    }

    /// Serializes compactly (or pretty-printed with two-space indentation).
    public func serialized(pretty: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty), as: UTF8.self)
    }

    /// Serializes to UTF-8 bytes, compactly (or pretty-printed with two-space indentation).
    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    /// Appends the compact serialization to a byte buffer.
    public func appendSerialized(to out: inout [UInt8]) { write(to: &out, pretty: false, indent: 0) }

    private func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b):
            b
                ? out.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
                : out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        case .int(let i): JSONValue.writeInteger(i, to: &out)
        case .double(let d): out.append(contentsOf: JSONValue.formatDouble(d).utf8)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty {
                out.append(0x5B)
                out.append(0x5D)
                return
            }
            out.append(0x5B)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(0x2C) }
                if pretty { JSONValue.newline(indent + 2, &out) }
                v.write(to: &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { JSONValue.newline(indent, &out) }
            out.append(0x5D)
        case .object(let o):
            if o.isEmpty {
                out.append(0x7B)
                out.append(0x7D)
                return
            }
            out.append(0x7B)
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(0x2C) }
                if pretty { JSONValue.newline(indent + 2, &out) }
                JSONValue.writeString(k, to: &out)
                out.append(0x3A)
                if pretty { out.append(0x20) }
                v.write(to: &out, pretty: pretty, indent: indent + 2)
            }
            if pretty { JSONValue.newline(indent, &out) }
            out.append(0x7D)
        }
    }

    private static func newline(_ indent: Int, _ out: inout [UInt8]) {
        out.append(0x0A)
        for _ in 0..<indent { out.append(0x20) }
    }

    /// Appends the decimal digits of an integer.
    public static func writeInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var magnitude = value.magnitude
        var digits = 0
        var rest = magnitude
        repeat {
            digits += 1
            rest /= 10
        } while rest > 0
        let start = out.count
        out.append(contentsOf: repeatElement(0x30, count: digits))
        var at = start + digits - 1
        repeat {
            out[at] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
            magnitude /= 10
            at -= 1
        } while magnitude > 0
    }

    /// Appends a JSON string literal (UTF-8) with the required escapes.
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = s
        text.withUTF8 { utf8 in
            var clean = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<i]))
                out.append(0x5C)
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(0x6E)
                case 0x0D: out.append(0x72)
                case 0x09: out.append(0x74)
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                clean = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
        }
        out.append(0x22)
    }

    /// Appends a JSON string literal with the required escapes.
    public static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, to: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Formats a finite double as the shortest JSON number that round-trips;
    /// NaN and infinities become the strings of the value convention.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d > 0 ? "\"Infinity\"" : "\"-Infinity\"" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return d.description
    }
}

/// A byte-level JSON scanner used by the document parser and by streaming consumers (the
/// row shredder) that read values straight from the text without building a tree.
public struct JSONScanner {
    /// The input.
    public let buf: UnsafeBufferPointer<UInt8>
    /// The current byte offset.
    public var pos: Int
    /// The end of the input range.
    public let end: Int
    /// Deepest nesting accepted.
    public static let maxDepth = 256

    /// Creates a scanner over `buf[start..<end]`.
    public init(_ buf: UnsafeBufferPointer<UInt8>, start: Int = 0, end: Int? = nil) {
        self.buf = buf
        self.pos = start
        self.end = end ?? buf.count
    }

    /// Whether the input is exhausted.
    public var atEnd: Bool { pos >= end }

    /// An error at the current offset.
    @inlinable
    public func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: pos) }

    /// Skips spaces, tabs and line breaks.
    @inlinable @inline(__always)
    public mutating func skipWhitespace() {
        while pos < end {
            let c = buf[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { break }
        }
    }

    /// The next non-whitespace byte, without consuming it.
    @inlinable @inline(__always)
    public mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < end ? buf[pos] : nil
    }

    /// Consumes the byte `c` (after whitespace) or throws.
    @inlinable @inline(__always)
    public mutating func expect(_ c: UInt8) throws {
        skipWhitespace()
        guard pos < end, buf[pos] == c else {
            throw error("expected '\(Character(Unicode.Scalar(c)))'")
        }
        pos += 1
    }

    /// Consumes the literal `word` (`true`, `false`, `null`) or throws.
    public mutating func expectLiteral(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard end - pos >= n else { throw error("unexpected end of input") }
        let w = word.utf8Start
        for i in 0..<n where buf[pos + i] != w[i] { throw error("invalid literal") }
        pos += n
    }

    /// Parses any value into a `JSONValue`.
    public mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
        guard let c = peek() else { throw error("unexpected end of input") }
        switch c {
        case UInt8(ascii: "{"):
            pos += 1
            var pairs: [(String, JSONValue)] = []
            if peek() == UInt8(ascii: "}") {
                pos += 1
                return .object(pairs)
            }
            while true {
                skipWhitespace()
                let key = try parseString()
                try expect(UInt8(ascii: ":"))
                pairs.append((key, try parseValue(depth: depth + 1)))
                guard let n = peek() else { throw error("unterminated object") }
                pos += 1
                if n == UInt8(ascii: "}") { return .object(pairs) }
                guard n == UInt8(ascii: ",") else {
                    pos -= 1
                    throw error("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            if peek() == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            while true {
                items.append(try parseValue(depth: depth + 1))
                guard let n = peek() else { throw error("unterminated array") }
                pos += 1
                if n == UInt8(ascii: "]") { return .array(items) }
                guard n == UInt8(ascii: ",") else {
                    pos -= 1
                    throw error("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            let n = try parseNumber()
            if let i = n.integer { return .int(i) }
            return .double(n.double)
        }
    }

    /// A scanned number: exact integer when it is one that fits, and the text range.
    public struct Number {
        /// The exact value when the literal is an integer that fits Int64.
        public var integer: Int64?
        /// The value as a double.
        public var double: Double
        /// The literal's byte range in the input.
        public var range: Range<Int>
    }

    /// Parses a number literal.
    public mutating func parseNumber() throws -> Number {
        skipWhitespace()
        let start = pos
        var negative = false
        if pos < end && buf[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
        }
        let digitsStart = pos
        var value: UInt64 = 0
        var overflow = false
        while pos < end, buf[pos] >= 0x30, buf[pos] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(buf[pos] - 0x30))
            if o1 || o2 { overflow = true }
            value = a
            pos += 1
        }
        guard pos > digitsStart else { throw error("invalid number") }
        if buf[digitsStart] == 0x30 && pos - digitsStart > 1 { throw error("leading zero in number") }
        var isInteger = true
        if pos < end && buf[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            let f = pos
            while pos < end, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
            guard pos > f else { throw error("invalid number") }
        }
        if pos < end && (buf[pos] == UInt8(ascii: "e") || buf[pos] == UInt8(ascii: "E")) {
            isInteger = false
            pos += 1
            if pos < end && (buf[pos] == UInt8(ascii: "+") || buf[pos] == UInt8(ascii: "-")) { pos += 1 }
            let f = pos
            while pos < end, buf[pos] >= 0x30, buf[pos] <= 0x39 { pos += 1 }
            guard pos > f else { throw error("invalid number") }
        }
        if isInteger && !overflow {
            if negative {
                if value <= UInt64(Int64.max) + 1 {
                    let i = value == UInt64(Int64.max) + 1 ? Int64.min : -Int64(value)
                    return Number(integer: i, double: Double(i), range: start..<pos)
                }
            } else if value <= UInt64(Int64.max) {
                return Number(integer: Int64(value), double: Double(value), range: start..<pos)
            }
        }
        guard let d = Self.parseDouble(UnsafeBufferPointer(rebasing: buf[start..<pos])) else {
            throw error("invalid number")
        }
        return Number(integer: nil, double: d, range: start..<pos)
    }

    private static let exactPowersOfTen: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    /// Parses a JSON number's text as a correctly rounded double. Short decimals take the
    /// exact fast path (mantissa < 2^53, power of ten ≤ 22); others go through strtod on a
    /// NUL-terminated copy.
    public static func parseDouble(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        var negative = false
        if i < text.count && text[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var simple = true
        while i < text.count {
            let c = text[i]
            if c >= 0x30 && c <= 0x39 {
                if mantissa != 0 || c != 0x30 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(c - 0x30)
                if seenPoint { fractionDigits += 1 }
            } else if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else {
                simple = false
                break
            }
            i += 1
        }
        if simple && digits <= 15 && fractionDigits <= 22 {
            let value = Double(mantissa) / exactPowersOfTen[fractionDigits]
            return negative ? -value : value
        }
        guard text.count < 128 else { return Double(String(decoding: text, as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { tmp in
            for k in 0..<text.count { tmp[k] = CChar(bitPattern: text[k]) }
            tmp[text.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(tmp.baseAddress!, &end)
            guard end == tmp.baseAddress! + text.count else { return nil }
            return v
        }
    }

    /// Parses a string literal (the cursor must be at the opening quote) into a String.
    public mutating func parseString() throws -> String {
        skipWhitespace()
        // Fast path: no escapes, so the String is made straight from the input bytes.
        if pos < end, buf[pos] == UInt8(ascii: "\"") {
            var i = pos + 1
            while i < end {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: buf[pos + 1..<i]), as: UTF8.self)
                    pos = i + 1
                    return s
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { break }
                i += 1
            }
        }
        var bytes: [UInt8] = []
        try parseString(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a string literal, appending its UTF-8 bytes (escapes decoded) to `out`.
    @inline(__always)
    public mutating func parseString(into out: inout [UInt8]) throws {
        skipWhitespace()
        guard pos < end, buf[pos] == UInt8(ascii: "\"") else { throw error("expected a string") }
        pos += 1
        var runStart = pos
        while pos < end {
            let c = buf[pos]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<pos]))
                pos += 1
                return
            }
            if c == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<pos]))
                pos += 1
                try parseEscape(into: &out)
                runStart = pos
                continue
            }
            if c < 0x20 { throw error("control character in string") }
            pos += 1
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws {
        guard pos < end else { throw error("unterminated escape") }
        let e = buf[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if scalar >= 0xD800 && scalar < 0xDC00 {
                guard end - pos >= 6, buf[pos] == UInt8(ascii: "\\"), buf[pos + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate")
                }
                pos += 2
                let low = try parseHex4()
                guard low >= 0xDC00 && low < 0xE000 else { throw error("invalid surrogate pair") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar >= 0xDC00 && scalar < 0xE000 {
                throw error("unpaired surrogate")
            }
            guard let u = Unicode.Scalar(scalar) else { throw error("invalid code point") }
            out.append(contentsOf: String(Character(u)).utf8)
        default:
            throw error("invalid escape")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard end - pos >= 4 else { throw error("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[pos]
            pos += 1
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
        }
        return v
    }

    /// Calls `body` with the UTF-8 bytes of the string literal at the cursor: a view into the
    /// input when it has no escapes, else the decoded bytes in `scratch`.
    @inlinable @inline(__always)
    public mutating func withStringToken<R>(scratch: inout [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R)
        throws -> R
    {
        skipWhitespace()
        guard pos < end, buf[pos] == UInt8(ascii: "\"") else { throw error("expected a string") }
        var i = pos + 1
        while i < end {
            let c = buf[i]
            if c == UInt8(ascii: "\"") {
                let start = pos + 1
                pos = i + 1
                return try body(UnsafeBufferPointer(rebasing: buf[start..<i]))
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            i += 1
        }
        scratch.removeAll(keepingCapacity: true)
        try parseString(into: &scratch)
        return try scratch.withUnsafeBufferPointer { try body($0) }
    }

    /// Skips any JSON value.
    public mutating func skipValue(depth: Int) throws {
        _ = try parseValue(depth: depth)
    }
}

/// JSON values inside `Codable` types: encoded as the JSON they are (object keys in order
/// where the encoder keeps it; decoded objects take the decoder's key order).
extension JSONValue: Codable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .double(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in pairs { try c.encode(v, forKey: Key(stringValue: k)) }
        }
    }

    public init(from decoder: any Decoder) throws {
        if let c = try? decoder.container(keyedBy: Key.self) {
            self = .object(try c.allKeys.map { ($0.stringValue, try c.decode(JSONValue.self, forKey: $0)) })
        } else if var c = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !c.isAtEnd { items.append(try c.decode(JSONValue.self)) }
            self = .array(items)
        } else {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() {
                self = .null
            } else if let b = try? c.decode(Bool.self) {
                self = .bool(b)
            } else if let i = try? c.decode(Int64.self) {
                self = .int(i)
            } else if let d = try? c.decode(Double.self) {
                self = .double(d)
            } else {
                self = .string(try c.decode(String.self))
            }
        }
    }
}
