/// A parsed XML element: enough of XML for AWS query and REST-XML responses (elements,
/// attributes skipped, text with the five predefined and numeric entities, CDATA).
public struct XMLNode: Sendable {
    /// The element name without a namespace prefix.
    public var name: String
    /// Child elements in order.
    public var children: [XMLNode]
    /// The element's text (concatenated direct text content).
    public var text: String

    /// The first child with a name.
    public func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    /// All children with a name.
    public func children(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    /// The text of the first child with a name.
    public func text(_ name: String) -> String? { child(name)?.text }

    /// The first element with a name anywhere below (depth first), or self.
    public func find(_ name: String) -> XMLNode? {
        if self.name == name { return self }
        for c in children { if let f = c.find(name) { return f } }
        return nil
    }

    /// Parses a document; throws `AWSError.invalidResponse` on malformed input.
    public static func parse(_ bytes: [UInt8]) throws -> XMLNode {
        var parser = XMLParserState(bytes: bytes)
        return try parser.document()
    }
}

private struct XMLParserState {
    let bytes: [UInt8]
    var i = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func fail(_ message: String) -> AWSError { .invalidResponse("XML at byte \(i): \(message)") }

    mutating func skipMisc() throws {
        while i < bytes.count {
            if bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
                continue
            }
            if starts("<?") {
                try skip(past: "?>")
                continue
            }
            if starts("<!--") {
                try skip(past: "-->")
                continue
            }
            if starts("<!DOCTYPE") {
                try skip(past: ">")
                continue
            }
            break
        }
    }

    func starts(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard i + u.count <= bytes.count else { return false }
        for k in 0..<u.count where bytes[i + k] != u[k] { return false }
        return true
    }

    mutating func skip(past s: String) throws {
        while i < bytes.count {
            if starts(s) {
                i += s.utf8.count
                return
            }
            i += 1
        }
        throw fail("unterminated construct, expected '\(s)'")
    }

    mutating func document() throws -> XMLNode {
        try skipMisc()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("no root element") }
        return try element()
    }

    mutating func name() throws -> String {
        let start = i
        while i < bytes.count,
            !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09
                || bytes[i] == UInt8(ascii: ">") || bytes[i] == UInt8(ascii: "/"))
        { i += 1 }
        guard i > start else { throw fail("empty element name") }
        let full = String(decoding: bytes[start..<i], as: UTF8.self)
        if let colon = full.lastIndex(of: ":") { return String(full[full.index(after: colon)...]) }
        return full
    }

    mutating func element() throws -> XMLNode {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw fail("nesting too deep") }
        i += 1  // <
        let n = try name()
        // Attributes: skipped, honouring quotes.
        var quote: UInt8 = 0
        while i < bytes.count {
            let b = bytes[i]
            if quote != 0 {
                if b == quote { quote = 0 }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
                i += 1
                continue
            }
            if b == UInt8(ascii: ">") || b == UInt8(ascii: "/") { break }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated tag <\(n)>") }
        if bytes[i] == UInt8(ascii: "/") {
            guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else {
                throw fail("malformed empty tag <\(n)/>")
            }
            i += 2
            return XMLNode(name: n, children: [], text: "")
        }
        i += 1  // >
        var node = XMLNode(name: n, children: [], text: "")
        var text = [UInt8]()
        while true {
            guard i < bytes.count else { throw fail("unterminated element <\(n)>") }
            if bytes[i] != UInt8(ascii: "<") {
                if bytes[i] == UInt8(ascii: "&") {
                    try entity(into: &text)
                } else {
                    text.append(bytes[i])
                    i += 1
                }
                continue
            }
            if starts("<![CDATA[") {
                i += 9
                let start = i
                try skip(past: "]]>")
                text += bytes[start..<(i - 3)]
            } else if starts("<!--") {
                try skip(past: "-->")
            } else if starts("</") {
                i += 2
                let closing = try name()
                guard closing == n else { throw fail("</\(closing)> closes <\(n)>") }
                while i < bytes.count, bytes[i] != UInt8(ascii: ">") { i += 1 }
                guard i < bytes.count else { throw fail("unterminated closing tag") }
                i += 1
                node.text = String(decoding: text, as: UTF8.self)
                return node
            } else {
                node.children.append(try element())
            }
        }
    }

    mutating func entity(into out: inout [UInt8]) throws {
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: ";"), i - start < 12 { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: ";") else { throw fail("malformed entity") }
        let body = String(decoding: bytes[(start + 1)..<i], as: UTF8.self)
        i += 1
        switch body {
        case "amp": out.append(UInt8(ascii: "&"))
        case "lt": out.append(UInt8(ascii: "<"))
        case "gt": out.append(UInt8(ascii: ">"))
        case "quot": out.append(UInt8(ascii: "\""))
        case "apos": out.append(UInt8(ascii: "'"))
        default:
            var code: UInt32?
            if body.hasPrefix("#x") {
                code = UInt32(body.dropFirst(2), radix: 16)
            } else if body.hasPrefix("#") {
                code = UInt32(body.dropFirst(), radix: 10)
            }
            guard let c = code, let scalar = Unicode.Scalar(c) else { throw fail("unknown entity &\(body);") }
            out += Array(String(Character(scalar)).utf8)
        }
    }
}

/// Escapes text for an XML element body.
public func xmlEscape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for ch in s.unicodeScalars {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default:
            if ch.value < 0x20 && ch != "\n" && ch != "\t" {
                out += "&#\(ch.value);"
            } else {
                out.unicodeScalars.append(ch)
            }
        }
    }
    return out
}
