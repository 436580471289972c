import JSONSupport
import Parquet

/// The rows of upserts and change events by key: the values of the key fields (primitive
/// fields, top-level or in structs) of each row, mapped to the row's index. Table rows are
/// looked up in it a batch at a time, one hash probe per row. A single integer-backed key
/// (int, long, date, time, timestamps) is kept in an open-addressing map with no allocation
/// per row; other keys as tuples of literals.
struct RowKeyIndex: Sendable {
    /// The key fields.
    let fieldIds: [Int]
    /// Their dotted names (for errors).
    let fieldNames: [String]
    private let types: [IcebergType]
    private let integerKey: Bool
    private var integers = IntegerKeyMap<Int32>()
    private var tuples: [[Literal?]: Int32] = [:]
    /// Smallest and largest value of each key field over the rows indexed so far.
    private(set) var bounds: [(min: Literal, max: Literal)?]
    /// Up to `distinctLimit` distinct values per key field (nil once there are more).
    private(set) var distinct: [Set<Literal>?]
    /// Rows indexed.
    private(set) var count = 0
    private static let distinctLimit = 256

    /// What is wrong with a row's key.
    enum KeyProblem: Error {
        /// Row `row` has the key of the earlier row `earlier`.
        case duplicate(row: Int, earlier: Int, key: String)
        /// Row `row` has no value for key field `field`.
        case missing(row: Int, field: String)
    }

    /// An empty index over the key fields `fieldIds` of `schema`.
    init(fieldIds: [Int], schema: Schema) throws {
        self.fieldIds = fieldIds
        fieldNames = fieldIds.map { schema.columnName(id: $0) ?? String($0) }
        types = try fieldIds.map { id in
            guard let field = schema.field(id: id), field.type.isPrimitive else {
                throw IcebergError.invalidSchema("key field \(id) is not a primitive column of the table")
            }
            return field.type
        }
        integerKey = types.count == 1 && Transform.IntegerUnit(types[0]) != nil
        bounds = Array(repeating: nil, count: fieldIds.count)
        distinct = Array(repeating: [], count: fieldIds.count)
    }

    /// Indexes the rows of `batch` (which holds the key fields) as rows `firstRow…`; a null
    /// key value or a key already indexed is a `KeyProblem` naming the rows.
    mutating func insert(_ batch: ColumnBatch, firstRow: Int) throws(KeyProblem) {
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount {
            let key = columns.map { $0[row] }
            let index = Int32(firstRow + row)
            for (k, value) in key.enumerated() {
                guard let value else { throw .missing(row: firstRow + row, field: fieldNames[k]) }
                note(value, field: k)
            }
            let earlier: Int32?
            if integerKey, let value = key[0]?.exactInt64 {
                earlier = integers.insert(value, index)
            } else {
                earlier = tuples[key]
                if earlier == nil { tuples[key] = index }
            }
            if let earlier {
                throw .duplicate(row: firstRow + row, earlier: Int(earlier), key: describe(key))
            }
            count += 1
        }
    }

    /// For each row of `batch` (read from the table, holding the key fields), the index of
    /// the row with its key, or -1. Rows with a null key value match nothing.
    func lookup(_ batch: ColumnBatch) -> [Int32] {
        var out = [Int32](repeating: -1, count: batch.rowCount)
        guard count > 0 else { return out }
        if integerKey, let column = batch.column(id: fieldIds[0]) {
            EqualityDeleteKeys.forEachInteger(column) { row, value in
                if let value, let hit = integers.find(value) { out[row] = hit }
            }
            return out
        }
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount {
            let key = columns.map { $0[row] }
            if key.contains(where: { $0 == nil }) { continue }
            if let hit = tuples[key] { out[row] = hit }
        }
        return out
    }

    /// A filter that every table row with one of the indexed keys matches, for planning the
    /// lookup: per key field `in` its values when there are few, else between its bounds.
    var candidateFilter: Expression {
        var filter = Expression.alwaysTrue
        for k in fieldIds.indices {
            guard let (lo, hi) = bounds[k] else { return .alwaysFalse }
            let name = fieldNames[k]
            let term: Expression
            if let values = distinct[k] {
                let sorted = values.sorted { (Literal.compare($0, $1) ?? 0) < 0 }
                term = .predicate(.in, column: name, values: sorted.map { $0.json(as: types[k]) })
            } else {
                term = .and(
                    .predicate(.greaterThanOrEqual, column: name, values: [lo.json(as: types[k])]),
                    .predicate(.lessThanOrEqual, column: name, values: [hi.json(as: types[k])]))
            }
            filter = filter == .alwaysTrue ? term : .and(filter, term)
        }
        return filter
    }

    private mutating func note(_ value: Literal, field k: Int) {
        if let (lo, hi) = bounds[k] {
            if (Literal.compare(value, lo) ?? 0) < 0 { bounds[k]!.min = value }
            if (Literal.compare(value, hi) ?? 0) > 0 { bounds[k]!.max = value }
        } else {
            bounds[k] = (value, value)
        }
        if distinct[k] != nil {
            distinct[k]!.insert(value)
            if distinct[k]!.count > Self.distinctLimit { distinct[k] = nil }
        }
    }

    private func describe(_ key: [Literal?]) -> String {
        zip(fieldNames, key).map { "\($0)=\($1?.description ?? "null")" }
            .joined(separator: ", ")
    }
}

/// A map from 64-bit integers to values with open addressing and a multiplicative hash: a
/// lookup is a multiply, a shift and usually one probe (Swift's `Dictionary` hashes with
/// SipHash, several times slower per row).
struct IntegerKeyMap<Value: Sendable>: Sendable {
    private var keys: [Int64] = []
    private var values: [Value?] = []
    private var shift: UInt64 = 64
    private(set) var count = 0

    private func slot(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func position(_ key: Int64) -> Int {
        var i = slot(key)
        let mask = keys.count - 1
        while values[i] != nil, keys[i] != key { i = (i + 1) & mask }
        return i
    }

    /// Maps `key` to `value` unless it is mapped already; returns the earlier value then.
    mutating func insert(_ key: Int64, _ value: Value) -> Value? {
        if (count + 1) * 2 > keys.count { grow() }
        let i = position(key)
        if let earlier = values[i] { return earlier }
        keys[i] = key
        values[i] = value
        count += 1
        return nil
    }

    /// The value mapped to `key`.
    func find(_ key: Int64) -> Value? {
        guard count > 0 else { return nil }
        return values[position(key)]
    }

    private mutating func grow() {
        let capacity = max(16, keys.count * 2)
        let old = (keys, values)
        keys = [Int64](repeating: 0, count: capacity)
        values = [Value?](repeating: nil, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for (i, v) in old.1.enumerated() { if let v { _ = insert(old.0[i], v) } }
    }
}

extension IntegerKeyMap where Value: Comparable {
    /// Maps `key` to `value`, or to the larger of `value` and its current value.
    mutating func raise(_ key: Int64, to value: Value) {
        if (count + 1) * 2 > keys.count { grow() }
        let i = position(key)
        if let current = values[i] {
            if value > current { values[i] = value }
            return
        }
        keys[i] = key
        values[i] = value
        count += 1
    }
}
