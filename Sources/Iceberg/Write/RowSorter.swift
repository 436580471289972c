import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Orders the rows of a data file by a table's sort order, columnar: each sort field becomes
/// one order-preserving 64-bit key per row (integers and times through their transform,
/// floats by their bits with Java's order, strings and byte arrays by the rank of their
/// distinct values), then a stable LSD radix sort runs over the fields from the last to the
/// first, with a pass on a null flag where a field has nulls. No row is boxed.
struct RowSorter: Sendable {
    private struct Key: Sendable {
        var column: Int
        var maxDefinitionLevel: Int
        var type: IcebergType
        var field: SortField
    }
    private let keys: [Key]
    /// The id of the order the files are sorted by.
    let orderId: Int

    /// A sorter for `order` over the leaf columns of `parquetSchema`; nil for an unsorted order.
    init?(order: IcebergSpec.SortOrder, schema: Schema, parquetSchema: ParquetSchema) throws {
        guard !order.fields.isEmpty else { return nil }
        keys = try order.fields.map { f in
            guard let source = schema.field(id: f.sourceId), let name = schema.columnName(id: f.sourceId) else {
                throw IcebergError.invalidSortOrder(
                    "sort order \(order.orderId) sorts by column id \(f.sourceId), which the schema no longer has; replace the sort order"
                )
            }
            guard
                let column = parquetSchema.columns.firstIndex(where: {
                    $0.node.element.fieldId.map(Int.init) == f.sourceId && $0.maxRepetitionLevel == 0
                })
            else {
                throw IcebergError.invalidSortOrder("sort column '\(name)' is not a primitive outside lists and maps")
            }
            return Key(
                column: column, maxDefinitionLevel: parquetSchema.columns[column].maxDefinitionLevel,
                type: source.type, field: f)
        }
        orderId = order.orderId
    }

    /// The row order (a permutation of `0..<rows`) that sorts `columns`. When every field's
    /// keys span few enough bits (ranges after subtracting the minimum, plus a null flag),
    /// they are packed into one 64-bit key and sorted once; otherwise field by field.
    func permutation(_ columns: [ColumnData], rows: Int) -> [Int] {
        let fields = keys.map { Self.normalized(columns[$0.column], $0, rows: rows) }
        var spans: [(low: UInt64, bits: Int)] = []
        for f in fields {
            var low = UInt64.max
            var high = UInt64.min
            for r in 0..<rows where f.isNull?[r] != true {
                low = min(low, f.keys[r])
                high = max(high, f.keys[r])
            }
            if low > high { (low, high) = (0, 0) }
            spans.append((low, 64 - (high - low).leadingZeroBitCount))
        }
        let totalBits = zip(fields, spans).reduce(0) { $0 + $1.1.bits + ($1.0.isNull == nil ? 0 : 1) }
        var order = [Int32](unsafeUninitializedCapacity: rows) { out, n in
            for i in 0..<rows { out[i] = Int32(i) }
            n = rows
        }
        if totalBits <= 64 {
            var packed = [UInt64](repeating: 0, count: rows)
            for (f, span) in zip(fields, spans) {
                let nullsFirst = f.nullsFirst
                packed.withUnsafeMutableBufferPointer { p in
                    f.keys.withUnsafeBufferPointer { k in
                        for r in 0..<rows {
                            var v = p[r]
                            if let isNull = f.isNull {
                                let null = isNull[r]
                                v = v << 1 | (null == nullsFirst ? 0 : 1)
                                v <<= UInt64(span.bits)
                                if !null { v |= k[r] &- span.low }
                            } else {
                                v = v << UInt64(span.bits) | (k[r] &- span.low)
                            }
                            p[r] = v
                        }
                    }
                }
            }
            Self.radixSort(&packed, &order)
            return order.map(Int.init)
        }
        for f in fields.reversed() {
            var sortKeys = [UInt64](unsafeUninitializedCapacity: rows) { out, n in
                f.keys.withUnsafeBufferPointer { v in
                    order.withUnsafeBufferPointer { o in for i in 0..<rows { out[i] = v[Int(o[i])] } }
                }
                n = rows
            }
            Self.radixSort(&sortKeys, &order)
            if let isNull = f.isNull {
                // Stable partition: nulls before or after the values.
                var first: [Int32] = []
                var second: [Int32] = []
                first.reserveCapacity(rows)
                for r in order { if isNull[Int(r)] == f.nullsFirst { first.append(r) } else { second.append(r) } }
                order = first + second
            }
        }
        return order.map(Int.init)
    }

    /// One sort field's keys: one per row (0 for nulls), which rows are null (nil: none), and
    /// where nulls go.
    private struct FieldKeys {
        var keys: [UInt64]
        var isNull: [Bool]?
        var nullsFirst: Bool
    }

    private static func normalized(_ data: ColumnData, _ key: Key, rows: Int) -> FieldKeys {
        let md = UInt8(truncatingIfNeeded: key.maxDefinitionLevel)
        let defs = data.definitionLevels
        let descending = key.field.direction == .desc
        var isNull: [Bool]? = nil
        var out = [UInt64](repeating: 0, count: rows)
        func markNull(_ r: Int) {
            if isNull == nil { isNull = [Bool](repeating: false, count: rows) }
            isNull![r] = true
        }
        // Keys of the stored values, in value order, and which of them a transform made null.
        let valueKeys = keysOfValues(data.values, key)
        var v = 0
        for r in 0..<rows {
            if let defs, defs[r] != md {
                markNull(r)
                continue
            }
            let k = valueKeys.keys[v]
            out[r] = descending ? ~k : k
            if valueKeys.nulls?[v] == true { markNull(r) }
            v += 1
        }
        return FieldKeys(keys: out, isNull: isNull, nullsFirst: key.field.nullOrder == .nullsFirst)
    }

    private struct ValueKeys {
        var keys: [UInt64]
        var nulls: [Bool]?
    }

    /// The order-preserving key of each stored value after the field's transform.
    private static func keysOfValues(_ values: ColumnValues, _ key: Key) -> ValueKeys {
        let transform = key.field.transform
        func signed(_ v: Int64) -> UInt64 { UInt64(bitPattern: v) ^ (1 << 63) }
        switch values {
        case .int32(let a) where Transform.IntegerUnit(key.type) != nil || transform == .identity:
            return integerKeys(a, key, signed)
        case .int64(let a) where Transform.IntegerUnit(key.type) != nil || transform == .identity:
            return integerKeys(a, key, signed)
        case .boolean(let a) where transform == .identity:
            return ValueKeys(keys: a.map { $0 ? 1 : 0 }, nulls: nil)
        case .float(let a) where transform == .identity:
            return ValueKeys(keys: a.map { floatKey(Double($0)) }, nulls: nil)
        case .double(let a) where transform == .identity:
            return ValueKeys(keys: a.map(floatKey), nulls: nil)
        case .byteArray(let b) where transform == .identity:
            return ValueKeys(keys: ByteRanks.ranks(data: b.data, offsets: b.offsets, signed: false), nulls: nil)
        case .fixedLenByteArray(let f) where transform == .identity:
            let n = f.width == 0 ? 0 : f.data.count / f.width
            let offsets = (0...n).map { Int32($0 * f.width) }
            var isDecimal = false
            if case .decimal = key.type { isDecimal = true }
            return ValueKeys(keys: ByteRanks.ranks(data: f.data, offsets: offsets, signed: isDecimal), nulls: nil)
        default:
            return literalKeys(values, key)
        }
    }

    private static func integerKeys<T: BinaryInteger>(_ a: [T], _ key: Key, _ signed: (Int64) -> UInt64)
        -> ValueKeys
    {
        let transform = key.field.transform
        guard transform != .identity, let unit = Transform.IntegerUnit(key.type) else {
            return ValueKeys(keys: a.map { signed(Int64($0)) }, nulls: nil)
        }
        var keys = [UInt64](repeating: 0, count: a.count)
        var nulls: [Bool]? = nil
        for i in a.indices {
            if let r = transform.integerResult(Int64(a[i]), unit: unit) {
                keys[i] = signed(r)
            } else {
                if nulls == nil { nulls = [Bool](repeating: false, count: a.count) }
                nulls![i] = true
            }
        }
        return ValueKeys(keys: keys, nulls: nulls)
    }

    /// Java's float order: -0 before 0, NaN after every number.
    private static func floatKey(_ d: Double) -> UInt64 {
        let bits = (d.isNaN ? Double.nan : d).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Any other type or transform: through literals, ranked by the spec's comparison.
    private static func literalKeys(_ values: ColumnValues, _ key: Key) -> ValueKeys {
        let transform = key.field.transform
        let n = values.count
        var codes = [Int](repeating: 0, count: n)
        var distinct: [Literal?] = []
        var index: [Literal?: Int] = [:]
        for i in 0..<n {
            let l = transform.apply(values.literal(at: i, key.type), source: key.type)
            if let c = index[l] {
                codes[i] = c
            } else {
                index[l] = distinct.count
                codes[i] = distinct.count
                distinct.append(l)
            }
        }
        let sorted = distinct.indices.sorted { a, b in
            guard let x = distinct[a], let y = distinct[b] else { return distinct[a] != nil && distinct[b] == nil }
            return (Literal.compare(x, y) ?? 0) < 0
        }
        var rank = [UInt64](repeating: 0, count: distinct.count)
        for (position, d) in sorted.enumerated() { rank[d] = UInt64(position) }
        var nulls: [Bool]? = nil
        if distinct.contains(where: { $0 == nil }) { nulls = codes.map { distinct[$0] == nil } }
        return ValueKeys(keys: codes.map { rank[$0] }, nulls: nulls)
    }

    /// Sorts `keys` ascending, stably, carrying `order` along: one counting pass per byte
    /// that is not the same in every key.
    static func radixSort(_ keys: inout [UInt64], _ order: inout [Int32]) {
        let n = keys.count
        guard n > 1 else { return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { k in
            counts.withUnsafeMutableBufferPointer { c in
                for i in 0..<n {
                    let v = k[i]
                    for b in 0..<8 { c[b &* 256 &+ Int((v >> (UInt64(b) &* 8)) & 0xFF)] &+= 1 }
                }
            }
        }
        var tmpKeys = [UInt64](repeating: 0, count: n)
        var tmpOrder = [Int32](repeating: 0, count: n)
        for b in 0..<8 {
            let base = b * 256
            if counts[base..<base + 256].contains(n) { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var sum = 0
            for x in 0..<256 {
                offsets[x] = sum
                sum += counts[base + x]
            }
            let shift = UInt64(b * 8)
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    tmpKeys.withUnsafeMutableBufferPointer { tk in
                        tmpOrder.withUnsafeMutableBufferPointer { to in
                            offsets.withUnsafeMutableBufferPointer { off in
                                for i in 0..<n {
                                    let v = k[i]
                                    let x = Int((v >> shift) & 0xFF)
                                    let at = off[x]
                                    tk[at] = v
                                    to[at] = o[i]
                                    off[x] = at &+ 1
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &tmpKeys)
            swap(&order, &tmpOrder)
        }
    }
}

/// Ranks byte strings: the position of each value among the distinct values in unsigned
/// byte order (with `signed`, the first byte compares as two's complement: big-endian
/// decimals). Distinct values are found with an open-addressing hash table over the shared
/// buffer, so no value is copied.
enum ByteRanks {
    static func ranks(data: [UInt8], offsets: [Int32], signed: Bool) -> [UInt64] {
        let n = offsets.count - 1
        guard n > 0 else { return [] }
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        let mask = capacity - 1
        var table = [Int32](repeating: -1, count: capacity)
        var firstOf: [Int32] = []
        var codes = [Int32](repeating: 0, count: n)
        data.withUnsafeBufferPointer { d in
            offsets.withUnsafeBufferPointer { o in
                func equal(_ a: Int, _ b: Int) -> Bool {
                    let la = Int(o[a + 1] - o[a])
                    guard la == Int(o[b + 1] - o[b]) else { return false }
                    return la == 0 || memcmp(d.baseAddress! + Int(o[a]), d.baseAddress! + Int(o[b]), la) == 0
                }
                for i in 0..<n {
                    var h: UInt64 = 0xcbf2_9ce4_8422_2325
                    for j in Int(o[i])..<Int(o[i + 1]) { h = (h ^ UInt64(d[j])) &* 0x100_0000_01b3 }
                    var slot = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
                    while true {
                        let id = table[slot]
                        if id < 0 {
                            table[slot] = Int32(firstOf.count)
                            codes[i] = Int32(firstOf.count)
                            firstOf.append(Int32(i))
                            break
                        }
                        if equal(Int(firstOf[Int(id)]), i) {
                            codes[i] = id
                            break
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        let sorted = firstOf.indices.sorted { a, b in
            less(data, offsets, Int(firstOf[a]), Int(firstOf[b]), signed: signed)
        }
        var rank = [UInt64](repeating: 0, count: firstOf.count)
        for (position, id) in sorted.enumerated() { rank[id] = UInt64(position) }
        return codes.map { rank[Int($0)] }
    }

    private static func less(_ data: [UInt8], _ o: [Int32], _ a: Int, _ b: Int, signed: Bool) -> Bool {
        var x = data[Int(o[a])..<Int(o[a + 1])]
        var y = data[Int(o[b])..<Int(o[b + 1])]
        if signed, let fx = x.first, let fy = y.first, fx != fy {
            return (fx ^ 0x80) < (fy ^ 0x80)
        }
        if signed {
            x = x.dropFirst()
            y = y.dropFirst()
        }
        return x.lexicographicallyPrecedes(y)
    }
}
