/// Parses the CLI's partition and sort syntax.
public enum SpecParsing {
    /// `day(ts),bucket(16,id),truncate(4,name),category` → a spec with field ids from 1000.
    public static func partitionSpec(_ text: String, schema: Schema) throws -> PartitionSpec {
        var fields: [PartitionField] = []
        for (i, raw) in splitTopLevel(text).enumerated() {
            let item = raw.trimmingSpaces
            guard !item.isEmpty else { continue }
            let (transform, column) = try parseTerm(item)
            guard let source = schema.field(at: column) else {
                throw IcebergError.invalidSchema("partition column '\(column)' is not in the schema")
            }
            let suffix: String
            switch transform {
            case .identity: suffix = ""
            case .bucket: suffix = "_bucket"
            case .truncate: suffix = "_trunc"
            case .year: suffix = "_year"
            case .month: suffix = "_month"
            case .day: suffix = "_day"
            case .hour: suffix = "_hour"
            case .void: suffix = "_null"
            case .unknown: throw IcebergError.invalidSchema("unknown transform in '\(item)'")
            }
            let name = column.replacingOccurrencesOfDots() + suffix
            fields.append(PartitionField(sourceId: source.id, fieldId: 1000 + i, name: name, transform: transform))
        }
        let spec = PartitionSpec(specId: 0, fields: fields)
        try spec.validate(schema)
        return spec
    }

    /// `ts desc, id asc nulls last` → a sort order with id 1 (unsorted when empty).
    public static func sortOrder(_ text: String, schema: Schema) throws -> SortOrder {
        try SortTerm.resolve(try sortTerms(text), in: schema, orderId: 1)
    }

    /// `ts desc nulls last, bucket(16,id)` → sort terms by column name (ascending unless
    /// `desc`; nulls first for ascending and last for descending unless given).
    public static func sortTerms(_ text: String) throws -> [SortTerm] {
        var terms: [SortTerm] = []
        for raw in splitTopLevel(text) {
            let words = raw.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            let (transform, column) = try parseTerm(first)
            var direction = SortDirection.asc
            var nulls: NullOrder? = nil
            var i = 1
            while i < words.count {
                switch words[i].lowercased() {
                case "asc": direction = .asc
                case "desc": direction = .desc
                case "nulls":
                    guard i + 1 < words.count, ["first", "last"].contains(words[i + 1].lowercased()) else {
                        throw IcebergError.invalidSortOrder("expected FIRST or LAST after NULLS in '\(raw)'")
                    }
                    nulls = words[i + 1].lowercased() == "first" ? .nullsFirst : .nullsLast
                    i += 1
                default: throw IcebergError.invalidSortOrder("unexpected '\(words[i])' in '\(raw)'")
                }
                i += 1
            }
            terms.append(SortTerm(column, transform: transform, direction: direction, nullOrder: nulls))
        }
        return terms
    }

    /// `bucket(16,id)` → the transform and the column; a bare name is the identity.
    public static func term(_ text: String) throws -> (transform: Transform, column: String) {
        try parseTerm(text.trimmingSpaces)
    }

    static func parseTerm(_ item: String) throws -> (Transform, String) {
        guard let open = item.firstIndex(of: "("), item.hasSuffix(")") else { return (.identity, item) }
        let name = item[..<open].lowercased()
        let args = item[item.index(after: open)..<item.index(before: item.endIndex)].split(separator: ",").map {
            String($0).trimmingSpaces
        }
        switch (name, args.count) {
        case ("bucket", 2):
            guard let n = Int(args[0]), n > 0 else { break }
            return (.bucket(n), args[1])
        case ("truncate", 2):
            guard let w = Int(args[0]), w > 0 else { break }
            return (.truncate(w), args[1])
        case ("year", 1), ("years", 1): return (.year, args[0])
        case ("month", 1), ("months", 1): return (.month, args[0])
        case ("day", 1), ("days", 1): return (.day, args[0])
        case ("hour", 1), ("hours", 1): return (.hour, args[0])
        case ("identity", 1): return (.identity, args[0])
        case ("void", 1): return (.void, args[0])
        default: break
        }
        throw IcebergError.invalidSchema("cannot parse transform '\(item)'")
    }

    static func splitTopLevel(_ text: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        if !current.trimmingSpaces.isEmpty { parts.append(current) }
        return parts
    }
}

extension String {
    func replacingOccurrencesOfDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
