/// Conversions between the JSON single-value text forms of dates, times and timestamps and
/// their stored integers (days, microseconds or nanoseconds since the Unix epoch, UTC).
public enum TemporalValues {
    /// Days since 1970-01-01 for a proleptic Gregorian date.
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The calendar date of a day count.
    public static func civil(days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    @inline(__always)
    static func pad(_ v: Int, _ width: Int, into out: inout String) {
        var digits: [UInt8] = Array(repeating: 0x30, count: width)
        var x = v
        var i = width - 1
        while i >= 0 {
            digits[i] = UInt8(0x30 + x % 10)
            x /= 10
            i -= 1
        }
        if x > 0 { out += String(v) } else { out += String(decoding: digits, as: UTF8.self) }
    }

    /// `YYYY-MM-DD` for a day count.
    public static func formatDate(_ days: Int) -> String {
        var out = ""
        appendDate(days, to: &out)
        return out
    }

    static func appendDate(_ days: Int, to out: inout String) {
        let (y, m, d) = civil(days: days)
        if y < 0 {
            out += "-"
            pad(-y, 4, into: &out)
        } else {
            pad(y, 4, into: &out)
        }
        out += "-"
        pad(m, 2, into: &out)
        out += "-"
        pad(d, 2, into: &out)
    }

    /// `HH:MM:SS.ffffff` (6 digits) or with 9 digits when `unitsPerSecond` is 10^9.
    public static func formatTime(_ value: Int64, unitsPerSecond: Int64) -> String {
        var out = ""
        appendTime(value, unitsPerSecond: unitsPerSecond, to: &out)
        return out
    }

    static func appendTime(_ value: Int64, unitsPerSecond: Int64, to out: inout String) {
        let secs = Int(value / unitsPerSecond)
        let frac = Int(value % unitsPerSecond)
        pad(secs / 3600, 2, into: &out)
        out += ":"
        pad(secs / 60 % 60, 2, into: &out)
        out += ":"
        pad(secs % 60, 2, into: &out)
        out += "."
        if unitsPerSecond == 1_000_000_000 {
            pad(frac, 9, into: &out)
        } else if unitsPerSecond == 1_000_000 {
            pad(frac, 6, into: &out)
        } else {
            pad(frac * Int(1_000_000 / unitsPerSecond), 6, into: &out)
        }
    }

    /// ISO-8601 timestamp text: `2017-11-16T22:31:08.123456` (+ `+00:00` when `utc`).
    /// Milli- and microsecond values print 6 fraction digits, nanosecond values 9.
    public static func formatTimestamp(_ value: Int64, unitsPerSecond: Int64, utc: Bool) -> String {
        let perDay = unitsPerSecond * 86_400
        var days = value / perDay
        var rem = value % perDay
        if rem < 0 {
            rem += perDay
            days -= 1
        }
        var out = ""
        appendDate(Int(days), to: &out)
        out += "T"
        let units = unitsPerSecond == 1000 ? Int64(1_000_000) : unitsPerSecond
        let scaled = unitsPerSecond == 1000 ? rem * 1000 : rem
        appendTime(scaled, unitsPerSecond: units, to: &out)
        if utc { out += "+00:00" }
        return out
    }

    /// Errors name what was expected.
    public struct ParseError: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        mutating func digits(_ n: Int) throws -> Int {
            guard i + n <= b.count else { throw ParseError(description: "too short") }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30 && c <= 0x39 else {
                    throw ParseError(description: "expected a digit at position \(i + k + 1)")
                }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        mutating func literal(_ c: UInt8) throws {
            guard i < b.count, b[i] == c else {
                throw ParseError(description: "expected '\(Character(Unicode.Scalar(c)))' at position \(i + 1)")
            }
            i += 1
        }
        var atEnd: Bool { i >= b.count }
        func peek() -> UInt8? { i < b.count ? b[i] : nil }
    }

    private static func parseDate(_ s: inout Scanner) throws -> Int {
        var sign = 1
        if s.peek() == UInt8(ascii: "-") {
            sign = -1
            s.i += 1
        } else if s.peek() == UInt8(ascii: "+") {
            s.i += 1
        }
        let y = try s.digits(4) * sign
        try s.literal(UInt8(ascii: "-"))
        let m = try s.digits(2)
        try s.literal(UInt8(ascii: "-"))
        let d = try s.digits(2)
        guard m >= 1 && m <= 12 else { throw ParseError(description: "month \(m) out of range") }
        let dim = [
            31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ][m - 1]
        guard d >= 1 && d <= dim else { throw ParseError(description: "day \(d) out of range") }
        return days(year: y, month: m, day: d)
    }

    /// Parses `HH:MM:SS[.fraction]` into units of `1/unitsPerSecond` s.
    private static func parseTime(_ s: inout Scanner, unitsPerSecond: Int64) throws -> Int64 {
        let h = try s.digits(2)
        try s.literal(UInt8(ascii: ":"))
        let mi = try s.digits(2)
        var sec = 0
        if s.peek() == UInt8(ascii: ":") {
            s.i += 1
            sec = try s.digits(2)
        }
        guard h < 24, mi < 60, sec < 60 else { throw ParseError(description: "time of day out of range") }
        var frac: Int64 = 0
        if s.peek() == UInt8(ascii: ".") {
            s.i += 1
            var n = 0
            var scale = unitsPerSecond
            while let c = s.peek(), c >= 0x30 && c <= 0x39 {
                n += 1
                guard n <= 9 else { throw ParseError(description: "more than 9 fraction digits") }
                scale /= 10
                if scale == 0 {
                    guard c == 0x30 else { throw ParseError(description: "more fraction digits than the type keeps") }
                } else {
                    frac += Int64(c - 0x30) * scale
                }
                s.i += 1
            }
            guard n > 0 else { throw ParseError(description: "empty fraction") }
        }
        return Int64(h * 3600 + mi * 60 + sec) * unitsPerSecond + frac
    }

    /// Parses a date `YYYY-MM-DD` to days since the epoch.
    public static func parseDate(_ text: String) throws -> Int32 {
        var t = text
        return try t.withUTF8 { try parseDate(utf8: $0) }
    }

    /// Parses a date from UTF-8 bytes.
    public static func parseDate(utf8: UnsafeBufferPointer<UInt8>) throws -> Int32 {
        var s = Scanner(b: utf8)
        let d = try parseDate(&s)
        guard s.atEnd else { throw ParseError(description: "unexpected text after the date") }
        guard let r = Int32(exactly: d) else { throw ParseError(description: "date out of range") }
        return r
    }

    /// Parses a time of day to units of `1/unitsPerSecond` seconds.
    public static func parseTime(_ text: String, unitsPerSecond: Int64) throws -> Int64 {
        var t = text
        return try t.withUTF8 { try parseTime(utf8: $0, unitsPerSecond: unitsPerSecond) }
    }

    /// Parses a time of day from UTF-8 bytes.
    public static func parseTime(utf8: UnsafeBufferPointer<UInt8>, unitsPerSecond: Int64) throws -> Int64 {
        var s = Scanner(b: utf8)
        let t = try parseTime(&s, unitsPerSecond: unitsPerSecond)
        guard s.atEnd else { throw ParseError(description: "unexpected text after the time") }
        return t
    }

    /// Parses an ISO-8601 timestamp. With `withZone` an offset (`Z`, `+HH:MM`) is required
    /// and applied; without it an offset is rejected.
    public static func parseTimestamp(_ text: String, unitsPerSecond: Int64, withZone: Bool) throws -> Int64 {
        var t = text
        return try t.withUTF8 { try parseTimestamp(utf8: $0, unitsPerSecond: unitsPerSecond, withZone: withZone) }
    }

    /// Parses an ISO-8601 timestamp from UTF-8 bytes.
    public static func parseTimestamp(utf8: UnsafeBufferPointer<UInt8>, unitsPerSecond: Int64, withZone: Bool) throws
        -> Int64
    {
        var s = Scanner(b: utf8)
        let d = try parseDate(&s)
        guard let sep = s.peek(), sep == UInt8(ascii: "T") || sep == UInt8(ascii: " ") || sep == UInt8(ascii: "t")
        else {
            throw ParseError(description: "expected 'T' between date and time")
        }
        s.i += 1
        let t = try parseTime(&s, unitsPerSecond: unitsPerSecond)
        var offsetSeconds = 0
        if let c = s.peek() {
            guard withZone else {
                throw ParseError(description: "a timestamp without time zone cannot carry an offset")
            }
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                s.i += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                s.i += 1
                let oh = try s.digits(2)
                var om = 0
                if s.peek() == UInt8(ascii: ":") { s.i += 1 }
                if !s.atEnd { om = try s.digits(2) }
                guard oh <= 18, om < 60 else { throw ParseError(description: "offset out of range") }
                offsetSeconds = (oh * 3600 + om * 60) * (c == UInt8(ascii: "-") ? -1 : 1)
            } else {
                throw ParseError(description: "unexpected text after the time")
            }
            guard s.atEnd else { throw ParseError(description: "unexpected text after the offset") }
        } else if withZone {
            throw ParseError(description: "a timestamptz needs a UTC offset such as +00:00")
        }
        let (dayUnits, o1) = Int64(d).multipliedReportingOverflow(by: 86_400 * unitsPerSecond)
        let (sum, o2) = dayUnits.addingReportingOverflow(t - Int64(offsetSeconds) * unitsPerSecond)
        guard !o1, !o2 else { throw ParseError(description: "timestamp out of range") }
        return sum
    }
}

extension TemporalValues {
    /// Epoch seconds of an ISO 8601 instant as AWS writes them (`2026-11-21T12:00:00Z`;
    /// fractions are dropped, a `+HH:MM` / `-HH:MM` offset is applied); nil when malformed.
    public static func epochSeconds(iso8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
            let mi = number(14, 2), let s = number(17, 2)
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
        }
        var offset = 0
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), let oh = number(i + 1, 2),
            let om = number(i + 4, 2)
        {
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        }
        return Int64(days(year: y, month: mo, day: d) * 86400 + h * 3600 + mi * 60 + s - offset)
    }

    /// The UTC calendar date and time of day of an epoch second.
    public static func civil(epochSeconds epoch: Int64) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        let days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400
        let seconds = Int(epoch - days * 86400)
        let date = civil(days: Int(days))
        return (date.year, date.month, date.day, seconds / 3600, seconds % 3600 / 60, seconds % 60)
    }
}

/// `v` in decimal with at least `width` digits (zeros in front; a minus sign before them).
public func zeroPadded(_ v: Int, _ width: Int) -> String {
    var out = v < 0 ? "-" : ""
    TemporalValues.pad(abs(v), width, into: &out)
    return out
}
