import JSONSupport

/// Parses filters in PyIceberg's `row_filter` string syntax:
/// `ts >= '2024-01-01T00:00:00+00:00' and category in ('a','b') and not (qty < 3)`,
/// with `= != <> < <= > >=`, `in (…)`, `not in (…)`, `is null`, `is not null`, `is nan`,
/// `is not nan`, `like 'prefix%'`, `not like`, `and`, `or`, `not` and parentheses.
public struct FilterParser {
    enum Token: Equatable {
        case identifier(String)
        case string(String)
        case number(String)
        case symbol(String)
        case end
    }

    private var tokens: [Token] = []
    private var index = 0
    private let text: String

    /// Parses a filter.
    public static func parse(_ text: String) throws -> Expression {
        var p = FilterParser(text: text)
        try p.tokenize()
        let e = try p.parseOr()
        guard p.peek == .end else { throw p.error("unexpected \(p.describe(p.peek))") }
        return e
    }

    private init(text: String) { self.text = text }

    func error(_ message: String) -> IcebergError {
        .invalidValue(row: nil, field: "filter", detail: "\(message) in '\(text)'")
    }

    private mutating func tokenize() throws {
        let chars = Array(text.unicodeScalars)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" {
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                var s = String.UnicodeScalarView()
                i += 1
                while true {
                    guard i < chars.count else { throw error("unterminated string") }
                    if chars[i] == c {
                        if i + 1 < chars.count && chars[i + 1] == c {
                            s.append(c)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    s.append(chars[i])
                    i += 1
                }
                tokens.append(.string(String(s)))
                continue
            }
            if c == "`" {
                var s = String.UnicodeScalarView()
                i += 1
                while i < chars.count && chars[i] != "`" {
                    s.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw error("unterminated quoted name") }
                i += 1
                tokens.append(.identifier(String(s)))
                continue
            }
            if c.properties.isAlphabetic || c == "_" {
                var s = String.UnicodeScalarView()
                while i < chars.count
                    && (chars[i].properties.isAlphabetic || chars[i] == "_" || chars[i] == "."
                        || ("0"..."9").contains(chars[i]))
                {
                    s.append(chars[i])
                    i += 1
                }
                tokens.append(.identifier(String(s)))
                continue
            }
            if ("0"..."9").contains(c)
                || ((c == "-" || c == "+") && i + 1 < chars.count && ("0"..."9").contains(chars[i + 1]))
            {
                var s = String.UnicodeScalarView([c])
                i += 1
                while i < chars.count
                    && (("0"..."9").contains(chars[i]) || chars[i] == "." || chars[i] == "e" || chars[i] == "E"
                        || ((chars[i] == "-" || chars[i] == "+") && (chars[i - 1] == "e" || chars[i - 1] == "E")))
                {
                    s.append(chars[i])
                    i += 1
                }
                tokens.append(.number(String(s)))
                continue
            }
            let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
            if ["<=", ">=", "!=", "<>", "=="].contains(two) {
                tokens.append(.symbol(two == "==" ? "=" : two))
                i += 2
                continue
            }
            if "=<>(),".unicodeScalars.contains(c) {
                tokens.append(.symbol(String(c)))
                i += 1
                continue
            }
            throw error("unexpected character '\(c)'")
        }
        tokens.append(.end)
    }

    private var peek: Token { tokens[index] }
    private mutating func next() -> Token {
        defer { index += 1 }
        return tokens[index]
    }

    func describe(_ t: Token) -> String {
        switch t {
        case .identifier(let s): return "'\(s)'"
        case .string(let s): return "'\(s)'"
        case .number(let s): return s
        case .symbol(let s): return "'\(s)'"
        case .end: return "end of filter"
        }
    }

    private func isKeyword(_ t: Token, _ word: String) -> Bool {
        if case .identifier(let s) = t { return s.lowercased() == word }
        return false
    }

    private mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isKeyword(peek, "or") {
            _ = next()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isKeyword(peek, "and") {
            _ = next()
            left = .and(left, try parseNot())
        }
        return left
    }

    private mutating func parseNot() throws -> Expression {
        if isKeyword(peek, "not") {
            _ = next()
            return .not(try parseNot())
        }
        if peek == .symbol("(") {
            _ = next()
            let e = try parseOr()
            guard next() == .symbol(")") else { throw error("expected ')'") }
            return e
        }
        if isKeyword(peek, "true") {
            _ = next()
            return .alwaysTrue
        }
        if isKeyword(peek, "false") {
            _ = next()
            return .alwaysFalse
        }
        return try parsePredicate()
    }

    private mutating func literal() throws -> JSONValue {
        switch next() {
        case .string(let s): return .string(s)
        case .number(let n):
            if let i = Int64(n) { return .int(i) }
            guard let d = Double(n) else { throw error("bad number \(n)") }
            // Beyond 15 significant digits a double would change the value: keep the text, which
            // binds exactly to decimal columns (and still parses for float and double columns).
            let mantissa = n.prefix { $0 != "e" && $0 != "E" }.filter(\.isNumber).drop { $0 == "0" }
            return mantissa.count > 15 ? .string(n) : .double(d)
        case .identifier(let s) where s.lowercased() == "true": return .bool(true)
        case .identifier(let s) where s.lowercased() == "false": return .bool(false)
        case let t: throw error("expected a literal, found \(describe(t))")
        }
    }

    private mutating func parsePredicate() throws -> Expression {
        guard case .identifier(let column) = next() else { throw error("expected a column name") }
        let t = next()
        switch t {
        case .symbol(let op):
            let value = try literal()
            switch op {
            case "=": return .predicate(.equal, column: column, values: [value])
            case "!=", "<>": return .predicate(.notEqual, column: column, values: [value])
            case "<": return .predicate(.lessThan, column: column, values: [value])
            case "<=": return .predicate(.lessThanOrEqual, column: column, values: [value])
            case ">": return .predicate(.greaterThan, column: column, values: [value])
            case ">=": return .predicate(.greaterThanOrEqual, column: column, values: [value])
            default: throw error("unexpected \(describe(t))")
            }
        case .identifier(let w):
            switch w.lowercased() {
            case "is":
                var negate = false
                if isKeyword(peek, "not") {
                    _ = next()
                    negate = true
                }
                let what = next()
                if isKeyword(what, "null") {
                    return .predicate(negate ? .notNull : .isNull, column: column, values: [])
                }
                if isKeyword(what, "nan") { return .predicate(negate ? .notNaN : .isNaN, column: column, values: []) }
                throw error("expected NULL or NAN after IS")
            case "in": return .predicate(.in, column: column, values: try list())
            case "like": return try like(column, negate: false)
            case "not":
                if isKeyword(peek, "in") {
                    _ = next()
                    return .predicate(.notIn, column: column, values: try list())
                }
                if isKeyword(peek, "like") {
                    _ = next()
                    return try like(column, negate: true)
                }
                throw error("expected IN or LIKE after NOT")
            default: throw error("unexpected '\(w)' after column \(column)")
            }
        default:
            throw error("unexpected \(describe(t)) after column \(column)")
        }
    }

    private mutating func like(_ column: String, negate: Bool) throws -> Expression {
        guard case .string(let pattern) = next() else { throw error("LIKE needs a string pattern") }
        guard pattern.hasSuffix("%"), !pattern.dropLast().contains("%"), !pattern.contains("_") || true else {
            throw error("only prefix patterns like 'abc%' are supported")
        }
        return .predicate(
            negate ? .notStartsWith : .startsWith, column: column, values: [.string(String(pattern.dropLast()))])
    }

    private mutating func list() throws -> [JSONValue] {
        guard next() == .symbol("(") else { throw error("expected '(' after IN") }
        var values = [try literal()]
        while peek == .symbol(",") {
            _ = next()
            values.append(try literal())
        }
        guard next() == .symbol(")") else { throw error("expected ')' to close the IN list") }
        return values
    }
}
