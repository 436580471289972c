import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ColumnBatch {
    /// For each row, whether it satisfies a filter bound to this batch's schema (or a wider
    /// one with the same field ids). SQL semantics, as `BoundPredicate.test`: a comparison with
    /// null does not match. Evaluated column by column on the stored values.
    public func matches(_ filter: BoundExpression) -> [Bool] {
        switch filter {
        case .alwaysTrue: return Array(repeating: true, count: rowCount)
        case .alwaysFalse: return Array(repeating: false, count: rowCount)
        case .and(let a, let b):
            var m = matches(a)
            guard m.contains(true) else { return m }
            let n = matches(b)
            for i in m.indices { m[i] = m[i] && n[i] }
            return m
        case .or(let a, let b):
            var m = matches(a)
            guard m.contains(false) else { return m }
            let n = matches(b)
            for i in m.indices { m[i] = m[i] || n[i] }
            return m
        case .predicate(let p):
            return matches(p)
        }
    }

    private func matches(_ p: BoundPredicate) -> [Bool] {
        guard let position = layout.nodes[p.fieldId] else {
            // The file predates the column: every row holds its initial default (or null).
            let value = layout.fieldsById[p.fieldId]?.initialDefault.flatMap {
                try? Literal.from(json: $0, type: p.type)
            }
            return Array(repeating: p.test(value), count: rowCount)
        }
        let leaf = leaves[position.leaf]
        guard position.isLeaf else {
            // A nested field: present when the first leaf of a row reaches the field's level.
            let present = Self.rowDefinitionLevels(leaf).map { Int($0) >= position.definitionLevel }
            return present.map { p.op == .notNull ? $0 : !$0 }
        }
        let md = UInt8(truncatingIfNeeded: position.definitionLevel)
        let defs = leaf.definitionLevels
        switch (leaf.values, p.type) {
        case (.int32(let v), _) where p.literals.allSatisfy({ $0.exactInt64 != nil }):
            return mask(IntegerValues(values: v, literals: p.literals.map { $0.exactInt64! }), p, defs, md)
        case (.int64(let v), _) where p.literals.allSatisfy({ $0.exactInt64 != nil }):
            return mask(IntegerValues(values: v, literals: p.literals.map { $0.exactInt64! }), p, defs, md)
        case (.double(let v), _) where p.literals.allSatisfy({ $0.asDouble != nil }):
            return mask(FloatingValues(values: v, literals: p.literals.map { $0.asDouble! }), p, defs, md)
        case (.float(let v), .float) where p.literals.allSatisfy({ $0.asDouble != nil }):
            return mask(FloatingValues(values: v, literals: p.literals.map { Float($0.asDouble!) }), p, defs, md)
        case (.byteArray(let b), .string), (.byteArray(let b), .binary):
            var literalBytes: [UInt8] = []
            var literalOffsets: [Int] = [0]
            for l in p.literals {
                switch l {
                case .string(let s): literalBytes += Array(s.utf8)
                case .bytes(let b): literalBytes += b
                default: break
                }
                literalOffsets.append(literalBytes.count)
            }
            return b.data.withUnsafeBufferPointer { data in
                b.offsets.withUnsafeBufferPointer { offsets in
                    literalBytes.withUnsafeBufferPointer { literalData in
                        literalOffsets.withUnsafeBufferPointer { literalOffsets in
                            mask(
                                ByteValues(
                                    data: data, offsets: offsets, literals: literalData, literalOffsets: literalOffsets),
                                p, defs, md)
                        }
                    }
                }
            }
        default:
            return mask(LiteralValues(values: leaf.values, type: p.type, literals: p.literals), p, defs, md)
        }
    }

    /// The definition level of each row's first entry in a leaf column.
    static func rowDefinitionLevels(_ leaf: ColumnData) -> [UInt8] {
        guard let defs = leaf.definitionLevels else { return Array(repeating: UInt8.max, count: leaf.rowCount) }
        guard let reps = leaf.repetitionLevels else { return defs }
        var out: [UInt8] = []
        out.reserveCapacity(defs.count)
        for i in defs.indices where reps[i] == 0 { out.append(defs[i]) }
        return out
    }

    /// Applies a predicate to every row of a flat leaf.
    private func mask<V: StoredValues>(_ values: V, _ p: BoundPredicate, _ defs: [UInt8]?, _ md: UInt8) -> [Bool] {
        var out = [Bool](repeating: false, count: rowCount)
        let nullMatches = p.test(nil)
        var valueIndex = 0
        out.withUnsafeMutableBufferPointer { out in
            for row in 0..<out.count {
                if let defs, defs[row] != md {
                    out[row] = nullMatches
                    continue
                }
                out[row] = Self.decide(values, valueIndex, p.op, p.literals.count)
                valueIndex += 1
            }
        }
        return out
    }

    @inline(__always)
    private static func decide<V: StoredValues>(_ v: V, _ i: Int, _ op: PredicateOperator, _ literalCount: Int) -> Bool
    {
        switch op {
        case .isNull: return false
        case .notNull: return true
        case .isNaN: return v.isNaN(i)
        case .notNaN: return !v.isNaN(i)
        case .lessThan: return v.compare(i, 0).map { $0 < 0 } ?? false
        case .lessThanOrEqual: return v.compare(i, 0).map { $0 <= 0 } ?? false
        case .greaterThan: return v.compare(i, 0).map { $0 > 0 } ?? false
        case .greaterThanOrEqual: return v.compare(i, 0).map { $0 >= 0 } ?? false
        case .equal: return v.compare(i, 0) == 0
        case .notEqual: return v.compare(i, 0) != 0
        case .in:
            for k in 0..<literalCount where v.compare(i, k) == 0 { return true }
            return false
        case .notIn:
            for k in 0..<literalCount where v.compare(i, k) == 0 { return false }
            return true
        case .startsWith: return v.startsWith(i)
        case .notStartsWith: return !v.startsWith(i)
        }
    }
}

/// Stored values of one column compared with a predicate's literals, by value index.
private protocol StoredValues {
    /// Orders value `i` against literal `k`; nil when not comparable (NaN).
    func compare(_ i: Int, _ k: Int) -> Int?
    /// Whether value `i` is NaN.
    func isNaN(_ i: Int) -> Bool
    /// Whether value `i` starts with literal 0.
    func startsWith(_ i: Int) -> Bool
}

private struct IntegerValues<T: FixedWidthInteger>: StoredValues {
    let values: [T]
    let literals: [Int64]
    @inline(__always) func compare(_ i: Int, _ k: Int) -> Int? {
        let a = Int64(values[i])
        let b = literals[k]
        return a < b ? -1 : (a > b ? 1 : 0)
    }
    func isNaN(_ i: Int) -> Bool { false }
    func startsWith(_ i: Int) -> Bool { false }
}

private struct FloatingValues<T: BinaryFloatingPoint>: StoredValues {
    let values: [T]
    let literals: [T]
    @inline(__always) func compare(_ i: Int, _ k: Int) -> Int? {
        let a = values[i]
        let b = literals[k]
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a > b ? 1 : 0)
    }
    func isNaN(_ i: Int) -> Bool { values[i].isNaN }
    func startsWith(_ i: Int) -> Bool { false }
}

/// Strings and binary: unsigned byte order (for UTF-8, code point order). Valid only inside
/// the `withUnsafeBufferPointer` scopes that produced its pointers.
private struct ByteValues: StoredValues {
    let data: UnsafeBufferPointer<UInt8>
    let offsets: UnsafeBufferPointer<Int32>
    let literals: UnsafeBufferPointer<UInt8>
    let literalOffsets: UnsafeBufferPointer<Int>

    @inline(__always) func compare(_ i: Int, _ k: Int) -> Int? {
        let start = Int(offsets[i])
        let a = Int(offsets[i + 1]) - start
        let literalStart = literalOffsets[k]
        let b = literalOffsets[k + 1] - literalStart
        let n = min(a, b)
        if n > 0 {
            let c = memcmp(data.baseAddress! + start, literals.baseAddress! + literalStart, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a < b ? -1 : (a > b ? 1 : 0)
    }
    func isNaN(_ i: Int) -> Bool { false }
    func startsWith(_ i: Int) -> Bool {
        let start = Int(offsets[i])
        let a = Int(offsets[i + 1]) - start
        let b = literalOffsets[1]
        guard a >= b else { return false }
        return b == 0 || memcmp(data.baseAddress! + start, literals.baseAddress!, b) == 0
    }
}

/// Any other stored form, through literals (one per value).
private struct LiteralValues: StoredValues {
    let values: ColumnValues
    let type: IcebergType
    let literals: [Literal]
    func compare(_ i: Int, _ k: Int) -> Int? {
        PrimitiveColumn.literal(values, i, type).flatMap { Literal.compare($0, literals[k]) }
    }
    func isNaN(_ i: Int) -> Bool { PrimitiveColumn.literal(values, i, type).map(BoundPredicate.isNaN) ?? false }
    func startsWith(_ i: Int) -> Bool {
        guard let v = PrimitiveColumn.literal(values, i, type) else { return false }
        switch (v, literals[0]) {
        case (.string(let s), .string(let p)): return s.utf8.starts(with: p.utf8)
        case (.bytes(let s), .bytes(let p)): return s.starts(with: p)
        default: return false
        }
    }
}

extension Literal {
    /// The value as an exact 64-bit integer (ints, longs, decimals that fit).
    var exactInt64: Int64? {
        switch self {
        case .int(let v): return Int64(v)
        case .long(let v): return v
        case .decimal(let v): return Int64(exactly: v)
        default: return nil
        }
    }

    /// The value as a double (floats and doubles).
    var asDouble: Double? {
        switch self {
        case .double(let d): return d
        case .float(let f): return Double(f)
        default: return nil
        }
    }
}
