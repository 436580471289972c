import Parquet

extension ColumnData {
    /// For each level slot, the index of its value (-1 for nulls); nil when every slot has one.
    func valueIndexes(maxDefinitionLevel: Int) -> [Int32]? {
        guard let defs = definitionLevels else { return nil }
        let md = UInt8(maxDefinitionLevel)
        if !defs.contains(where: { $0 != md }) { return nil }
        var out = [Int32](repeating: -1, count: defs.count)
        var next: Int32 = 0
        for i in 0..<defs.count where defs[i] == md {
            out[i] = next
            next += 1
        }
        return out
    }

    /// The rows `rows` (ascending) of a flat column, given its `valueIndexes`.
    func gatherFlat(_ rows: ArraySlice<Int>, valueIndexes: [Int32]?) -> ColumnData {
        let rows = Array(rows)
        guard let defs = definitionLevels else { return ColumnData(values: values.gathering(rows)) }
        let newDefs = rows.map { defs[$0] }
        guard let vi = valueIndexes else {
            return ColumnData(values: values.gathering(rows), definitionLevels: newDefs)
        }
        var picked: [Int] = []
        picked.reserveCapacity(rows.count)
        for r in rows where vi[r] >= 0 { picked.append(Int(vi[r])) }
        return ColumnData(values: values.gathering(picked), definitionLevels: newDefs)
    }

    /// The consecutive rows `range` of a flat column, given its `valueIndexes`: one copy of
    /// each contiguous buffer (the usual case when the rows arrive ordered by the partition source).
    func sliceFlat(_ range: Range<Int>, valueIndexes: [Int32]?) -> ColumnData {
        guard let defs = definitionLevels else { return ColumnData(values: values.slice(range)) }
        let newDefs = Array(defs[range])
        guard let vi = valueIndexes else { return ColumnData(values: values.slice(range), definitionLevels: newDefs) }
        var first = -1
        var count = 0
        for r in range where vi[r] >= 0 {
            if first < 0 { first = Int(vi[r]) }
            count += 1
        }
        let start = max(first, 0)
        return ColumnData(values: values.slice(start..<start + count), definitionLevels: newDefs)
    }
}

extension ColumnValues {
    /// The value at `i` as an Iceberg literal of `type` (flat columns).
    func literal(at i: Int, _ type: IcebergType) -> Literal? {
        switch self {
        case .boolean(let v): return .boolean(v[i])
        case .int32(let v):
            if case .decimal = type { return .decimal(Int128(v[i])) }
            if type == .long { return .long(Int64(v[i])) }
            return .int(v[i])
        case .int64(let v):
            if case .decimal = type { return .decimal(Int128(v[i])) }
            return .long(v[i])
        case .float(let v): return .float(v[i])
        case .double(let v): return .double(v[i])
        case .byteArray(let b):
            if type == .string { return .string(b.string(at: i)) }
            return .bytes(Array(b[i]))
        case .fixedLenByteArray(let f), .int96(let f):
            if case .decimal = type { return DecimalValues.unscaled(fromBigEndian: f[i]).map { .decimal($0) } }
            return .bytes(Array(f[i]))
        }
    }
}

/// Numbers distinct keys densely (0, 1, 2, …) in the order they are first seen. A key equal
/// to the previous one skips the hash lookup, so rows that arrive ordered by the partition
/// source (events by time) cost one comparison each.
struct DenseCoder<Key: Hashable> {
    private var table: [Key: Int32] = [:]
    private var last: Key?
    private var lastCode: Int32 = -1
    /// How many distinct keys were seen.
    private(set) var count = 0

    /// The code of `key`, and whether `key` was seen for the first time.
    @inline(__always)
    mutating func code(_ key: Key) -> (code: Int32, isNew: Bool) {
        if lastCode >= 0, last == key { return (lastCode, false) }
        let isNew: Bool
        if let c = table[key] {
            lastCode = c
            isNew = false
        } else {
            lastCode = Int32(count)
            table[key] = lastCode
            count += 1
            isNew = true
        }
        last = key
        return (lastCode, isNew)
    }
}

/// The rows of one columnar append grouped by partition: group `g` has the partition tuple
/// `keys[g]` and the rows `rows[offsets[g]..<offsets[g + 1]]`, ascending. Groups are in the
/// order their first row appears.
struct PartitionGroups {
    var keys: [[Literal?]]
    var offsets: [Int]
    var rows: [Int]

    /// Groups `rowCount` rows given each partition field's per-row codes and the partition
    /// value of each code.
    init(fields: [(codes: [Int32], values: [Literal?])], rowCount: Int) {
        var group = fields[0].codes
        var keys = fields[0].values.map { [$0] }
        for field in fields.dropFirst() {
            // Pairs (group so far, this field's code) numbered densely again, in row order.
            var coder = DenseCoder<Int64>()
            var combined: [[Literal?]] = []
            let width = Int64(field.values.count)
            for r in 0..<rowCount {
                let (c, isNew) = coder.code(Int64(group[r]) * width + Int64(field.codes[r]))
                if isNew { combined.append(keys[Int(group[r])] + [field.values[Int(field.codes[r])]]) }
                group[r] = c
            }
            keys = combined
        }
        self.keys = keys
        var offsets = [Int](repeating: 0, count: keys.count + 1)
        for g in group { offsets[Int(g) + 1] += 1 }
        for g in 0..<keys.count { offsets[g + 1] += offsets[g] }
        self.offsets = offsets
        if keys.count == 1 {
            rows = Array(0..<rowCount)
            return
        }
        var cursor = offsets
        var rows = [Int](repeating: 0, count: rowCount)
        for r in 0..<rowCount {
            let g = Int(group[r])
            rows[cursor[g]] = r
            cursor[g] += 1
        }
        self.rows = rows
    }

    /// The rows of group `g`.
    func rows(of g: Int) -> ArraySlice<Int> { rows[offsets[g]..<offsets[g + 1]] }
}

extension TableWriter {
    /// Dense per-row codes of one partition field over a flat column, and the partition value
    /// (transform result) of each code. Integer-backed sources (ints, longs, dates, times,
    /// timestamps) are transformed as integers with no allocation per row; other types go
    /// through literals.
    static func partitionCodes(
        _ values: ColumnValues, valueIndexes vi: [Int32]?, rows: Int, type: IcebergType,
        transform: Transform
    ) -> (codes: [Int32], values: [Literal?]) {
        var codes = [Int32](repeating: 0, count: rows)
        var partitionValues: [Literal?] = []
        func integerCodes<T: BinaryInteger>(_ a: [T], _ unit: Transform.IntegerUnit) {
            var coder = DenseCoder<Int64?>()
            for r in 0..<rows {
                let v = vi.map { Int($0[r]) } ?? r
                let key = v < 0 ? nil : transform.integerResult(Int64(a[v]), unit: unit)
                let (c, isNew) = coder.code(key)
                if isNew {
                    partitionValues.append(v < 0 ? nil : transform.apply(values.literal(at: v, type), source: type))
                }
                codes[r] = c
            }
        }
        switch (values, Transform.IntegerUnit(type)) {
        case (.int32(let a), let unit?): integerCodes(a, unit)
        case (.int64(let a), let unit?): integerCodes(a, unit)
        default:
            var coder = DenseCoder<Literal?>()
            for r in 0..<rows {
                let v = vi.map { Int($0[r]) } ?? r
                let key = v < 0 ? nil : transform.apply(values.literal(at: v, type), source: type)
                let (c, isNew) = coder.code(key)
                if isNew { partitionValues.append(key) }
                codes[r] = c
            }
        }
        return (codes, partitionValues)
    }

    /// The columnar fast path for flat schemas (no lists or maps): `columns` holds one
    /// `ColumnData` per top-level field, in schema order, in Parquet form (the layout of
    /// `schema.parquetSchema()`). Rows are grouped by partition with one typed pass over each
    /// partition source column, then each group is written as whole columns (sliced without a
    /// gather when its rows are consecutive).
    public mutating func append(columns: [ColumnData]) async throws {
        let parquet = try schema.parquetSchema()
        guard parquet.columns.allSatisfy({ $0.maxRepetitionLevel == 0 }), parquet.columns.count == schema.fields.count
        else {
            throw IcebergError.invalidValue(
                row: nil, field: "",
                detail: "the columnar append needs a flat schema (one column per top-level primitive field)")
        }
        guard columns.count == parquet.columns.count else {
            throw IcebergError.invalidValue(
                row: nil, field: "", detail: "expected \(parquet.columns.count) columns, got \(columns.count)")
        }
        let rowCount = columns.first?.levelCount ?? 0
        if spec.fields.isEmpty {
            try await appendGroup(key: [], columns: columns, rows: rowCount)
            return
        }
        guard rowCount > 0 else { return }
        let indexes = columns.enumerated().map { i, c in
            c.valueIndexes(maxDefinitionLevel: parquet.columns[i].maxDefinitionLevel)
        }
        var fields: [(codes: [Int32], values: [Literal?])] = []
        for f in spec.fields {
            guard let i = schema.fields.firstIndex(where: { $0.id == f.sourceId }) else {
                throw IcebergError.invalidSchema(
                    "partition source \(f.sourceId) must be a top-level column for the columnar append")
            }
            fields.append(
                Self.partitionCodes(
                    columns[i].values, valueIndexes: indexes[i], rows: rowCount,
                    type: schema.fields[i].type, transform: f.transform))
        }
        let groups = PartitionGroups(fields: fields, rowCount: rowCount)
        for g in groups.keys.indices {
            let rows = groups.rows(of: g)
            let subset: [ColumnData]
            if rows.count == rowCount {
                subset = columns
            } else if let first = rows.first, let last = rows.last, last - first + 1 == rows.count {
                subset = columns.indices.map { columns[$0].sliceFlat(first..<last + 1, valueIndexes: indexes[$0]) }
            } else {
                subset = columns.indices.map { columns[$0].gatherFlat(rows, valueIndexes: indexes[$0]) }
            }
            try await appendGroup(key: groups.keys[g], columns: subset, rows: rows.count)
        }
    }
}

extension TableWriter {
    /// Appends the rows of a scan batch. Whole columns are written when the batch's file holds
    /// exactly the columns this writer writes (same order, types and levels; row-lineage
    /// columns the writer ends with come from the batch's computed columns) and the schema is
    /// flat; otherwise (nested types, columns the file predates or holds as a narrower type)
    /// the rows are assembled and written one by one.
    public mutating func append(_ batch: ColumnBatch) async throws {
        guard batch.rowCount > 0 else { return }
        let written = try schema.parquetSchema().columns
        let lineage = schema.fields.reversed().prefix { MetadataColumns.all.contains($0) }.reversed()
        let extra = lineage.compactMap { batch.computed[$0.id] }
        let base = written.prefix(written.count - lineage.count)
        let file = batch.layout.file.columns
        let sameColumns =
            extra.count == lineage.count && batch.layout.columnIndices == Array(base.indices)
            && file.count == base.count
            && zip(file, base).allSatisfy { f, w in
                f.physicalType == w.physicalType && f.node.element.fieldId == w.node.element.fieldId
                    && f.maxDefinitionLevel == w.maxDefinitionLevel && f.maxRepetitionLevel == 0
                    && f.logicalType == w.logicalType
            }
        if sameColumns && written.count == schema.fields.count {
            try await append(columns: batch.leaves + extra)
            return
        }
        for (i, row) in try batch.jsonRows().enumerated() { try await append(row, rowNumber: i + 1) }
    }
}
