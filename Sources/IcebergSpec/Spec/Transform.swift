/// A partition (or sort) transform.
public enum Transform: Sendable, Hashable, CustomStringConvertible {
    /// The source value unchanged.
    case identity
    /// Murmur3 hash modulo N.
    case bucket(Int)
    /// Truncation to a width (numbers) or length (strings, binary).
    case truncate(Int)
    /// Years since 1970.
    case year
    /// Months since 1970-01.
    case month
    /// Days since 1970-01-01.
    case day
    /// Hours since 1970-01-01 00:00.
    case hour
    /// Always null.
    case void
    /// A transform this library does not know (kept by name, ignored for filtering).
    case unknown(String)

    /// The transform's name as in JSON (`bucket[16]`, `truncate[4]`, `day`, …).
    public var description: String {
        switch self {
        case .identity: "identity"
        case .bucket(let n): "bucket[\(n)]"
        case .truncate(let w): "truncate[\(w)]"
        case .year: "year"
        case .month: "month"
        case .day: "day"
        case .hour: "hour"
        case .void: "void"
        case .unknown(let s): s
        }
    }

    /// Parses a transform name.
    public init(_ text: String) {
        let t = text.trimmingSpaces.lowercased()
        func parameter(_ prefix: String) -> Int? {
            guard t.hasPrefix(prefix + "["), t.hasSuffix("]") else { return nil }
            return Int(t.dropFirst(prefix.count + 1).dropLast())
        }
        switch t {
        case "identity": self = .identity
        case "year", "years": self = .year
        case "month", "months": self = .month
        case "day", "days": self = .day
        case "hour", "hours": self = .hour
        case "void", "alwaysnull": self = .void
        default:
            if let n = parameter("bucket"), n > 0 {
                self = .bucket(n)
            } else if let w = parameter("truncate"), w > 0 {
                self = .truncate(w)
            } else {
                self = .unknown(text)
            }
        }
    }

    /// Whether the transform can be applied to a source type.
    public func canTransform(_ type: IcebergType) -> Bool {
        switch self {
        case .identity: return type.isPrimitive
        case .void: return true
        case .bucket:
            switch type {
            case .int, .long, .decimal, .date, .time, .timestamp, .timestamptz, .timestampNs, .timestamptzNs, .string,
                .uuid, .fixed, .binary:
                return true
            default: return false
            }
        case .truncate:
            switch type {
            case .int, .long, .decimal, .string, .binary: return true
            default: return false
            }
        case .year, .month, .day:
            switch type {
            case .date, .timestamp, .timestamptz, .timestampNs, .timestamptzNs: return true
            default: return false
            }
        case .hour:
            switch type {
            case .timestamp, .timestamptz, .timestampNs, .timestamptzNs: return true
            default: return false
            }
        case .unknown: return false
        }
    }

    /// The type of transformed values.
    public func resultType(_ source: IcebergType) -> IcebergType {
        switch self {
        case .identity, .truncate, .void, .unknown: return source
        case .bucket, .year, .month, .hour: return .int
        case .day: return .date
        }
    }

    /// Whether the transform keeps order (so range predicates can be projected).
    public var preservesOrder: Bool {
        switch self {
        case .identity, .truncate, .year, .month, .day, .hour: return true
        default: return false
        }
    }

    /// Applies the transform to a value of `source` type; nil stays nil (and void gives nil).
    public func apply(_ value: Literal?, source: IcebergType) -> Literal? {
        guard let value else { return nil }
        switch self {
        case .identity: return value
        case .void, .unknown: return nil
        default: break
        }
        switch value {
        case .int(let i):
            guard let unit = IntegerUnit(source) else { return nil }
            return integerResult(Int64(i), unit: unit).map { .int(Int32(truncatingIfNeeded: $0)) }
        case .long(let l):
            guard let unit = IntegerUnit(source) else { return nil }
            guard let r = integerResult(l, unit: unit) else { return nil }
            if case .truncate = self { return .long(r) }
            return .int(Int32(truncatingIfNeeded: r))
        default:
            switch self {
            case .bucket(let n): return .int(Int32(Transform.hash(value, source) & Int32.max) % Int32(n))
            case .truncate(let w): return Transform.truncate(value, width: w, source)
            default: return nil
            }
        }
    }

    /// What a plain integer value of a type counts: the types `integerResult` transforms.
    package enum IntegerUnit {
        /// An `int`.
        case int
        /// A `long`.
        case long
        /// Days since 1970-01-01 (`date`).
        case days
        /// Microseconds (`time`, `timestamp`, `timestamptz`).
        case micros
        /// Nanoseconds (`timestamp_ns`, `timestamptz_ns`).
        case nanos

        /// The unit of `type`'s values; nil for types that are not plain integers (decimals too).
        package init?(_ type: IcebergType) {
            switch type {
            case .int: self = .int
            case .long: self = .long
            case .date: self = .days
            case .time, .timestamp, .timestamptz: self = .micros
            case .timestampNs, .timestamptzNs: self = .nanos
            default: return nil
            }
        }
    }

    /// The transform of one integer value of the given unit, as an integer, without building
    /// literals, so partitioning a column costs no allocation per row. Nil where the
    /// transform yields null or does not apply to the unit.
    @inline(__always)
    package func integerResult(_ v: Int64, unit: IntegerUnit) -> Int64? {
        switch self {
        case .identity: return v
        case .bucket(let n):
            let h = Murmur3.hashLong(unit == .nanos ? Transform.floorDiv(v, 1000) : v)
            return Int64((h & Int32.max) % Int32(truncatingIfNeeded: n))
        case .truncate(let w):
            guard unit == .int || unit == .long else { return nil }
            let W = Int64(unit == .int ? Int(Int32(clamping: w)) : w)
            let r = v &- (((v % W) &+ W) % W)
            return unit == .int ? Int64(Int32(truncatingIfNeeded: r)) : r
        case .year, .month, .day:
            let days: Int64
            switch unit {
            case .days: days = v
            case .micros: days = Transform.floorDiv(v, 86_400_000_000)
            case .nanos: days = Transform.floorDiv(v, 86_400_000_000_000)
            case .int, .long: return nil
            }
            if case .day = self { return Int64(Int32(truncatingIfNeeded: days)) }
            let (y, m, _) = TemporalValues.civil(days: Int(days))
            if case .year = self { return Int64(y - 1970) }
            return Int64((y - 1970) * 12 + (m - 1))
        case .hour:
            switch unit {
            case .micros: return Int64(Int32(truncatingIfNeeded: Transform.floorDiv(v, 3_600_000_000)))
            case .nanos: return Int64(Int32(truncatingIfNeeded: Transform.floorDiv(v, 3_600_000_000_000)))
            default: return nil
            }
        case .void, .unknown: return nil
        }
    }

    /// The spec's hash (Appendix B) of a value.
    public static func hash(_ value: Literal, _ type: IcebergType) -> Int32 {
        switch value {
        case .int(let i): return Murmur3.hashLong(Int64(i))
        case .long(let l):
            if type == .timestampNs || type == .timestamptzNs { return Murmur3.hashLong(floorDiv(l, 1000)) }
            return Murmur3.hashLong(l)
        case .decimal(let u): return Murmur3.hash32(DecimalValues.minimalBytes(u))
        case .string(let s): return Murmur3.hash32(Array(s.utf8))
        case .bytes(let b): return Murmur3.hash32(b)
        case .boolean(let b): return Murmur3.hashLong(b ? 1 : 0)
        case .float(let f): return hashDouble(Double(f))
        case .double(let d): return hashDouble(d)
        }
    }

    private static func hashDouble(_ d: Double) -> Int32 {
        let canonical: UInt64 = d.isNaN ? 0x7FF8_0000_0000_0000 : (d == 0 ? 0 : d.bitPattern)
        return Murmur3.hashLong(Int64(bitPattern: canonical))
    }

    package static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func truncate(_ value: Literal, width w: Int, _ type: IcebergType) -> Literal? {
        switch value {
        case .decimal(let v):
            let W = Int128(w)
            return .decimal(v - (((v % W) + W) % W))
        case .string(let s):
            // At most w code points.
            var scalars = String.UnicodeScalarView()
            for (i, u) in s.unicodeScalars.enumerated() {
                if i == w { break }
                scalars.append(u)
            }
            return .string(String(scalars))
        case .bytes(let b):
            return .bytes(Array(b.prefix(w)))
        default:
            return nil
        }
    }

    /// The human-readable partition value (as Java and PyIceberg print it in paths).
    public func pathValue(_ value: Literal?, source: IcebergType) -> String {
        guard let value else { return "null" }
        switch (self, value) {
        case (.year, .int(let y)): return String(1970 + Int(y))
        case (.month, .int(let m)):
            let y = 1970 + Int(Transform.floorDiv(Int64(m), 12))
            let mm = ((Int(m) % 12) + 12) % 12 + 1
            return zeroPadded(y, 4) + "-" + zeroPadded(mm, 2)
        case (.day, .int(let d)): return TemporalValues.formatDate(Int(d))
        case (.hour, .int(let h)):
            let days = Int(Transform.floorDiv(Int64(h), 24))
            let hh = ((Int(h) % 24) + 24) % 24
            return TemporalValues.formatDate(days) + "-" + zeroPadded(hh, 2)
        default:
            let json = value.json(as: resultType(source))
            if case .string(let s) = json { return s }
            return json.serialized()
        }
    }
}

/// `v` in decimal with at least `width` digits.
