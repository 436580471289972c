import Parquet

/// The keys that equality delete files remove, for one list of equality field ids: a row is
/// deleted when its values of those fields equal a delete row's, nulls equal to nulls.
///
/// Keys are hashed, so the cost is one lookup per row however many keys are deleted. A single
/// integer-backed column (int, long, date, time, timestamps) is kept as a set of integers,
/// with no allocation per row; other keys as tuples of literals.
struct EqualityDeleteKeys: Sendable {
    /// The equality field ids, in the delete files' order.
    let fieldIds: [Int]
    private let integerKey: Bool
    private var integers = IntegerKeySet()
    private var integerNull = false
    private var tuples: Set<[Literal?]> = []

    /// Empty keys for fields of `schema`.
    init(fieldIds: [Int], schema: Schema) throws {
        self.fieldIds = fieldIds
        let types = try fieldIds.map { id -> IcebergType in
            guard let field = schema.field(id: id), field.type.isPrimitive else {
                throw IcebergError.invalidSchema("equality field \(id) is not a primitive column of the table")
            }
            return field.type
        }
        integerKey = types.count == 1 && Transform.IntegerUnit(types[0]) != nil
    }

    /// Whether no key was added.
    var isEmpty: Bool { integers.isEmpty && !integerNull && tuples.isEmpty }

    /// Adds the keys of a batch read from an equality delete file.
    mutating func insert(_ batch: ColumnBatch) {
        if integerKey, let column = batch.column(id: fieldIds[0]) {
            Self.forEachInteger(column) { _, value in
                if let value { integers.insert(value) } else { integerNull = true }
            }
            return
        }
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount { tuples.insert(columns.map { $0[row] }) }
    }

    /// Adds another set of keys for the same fields.
    mutating func formUnion(_ other: EqualityDeleteKeys) {
        integers.formUnion(other.integers)
        integerNull = integerNull || other.integerNull
        tuples.formUnion(other.tuples)
    }

    /// Clears `keep` for each row of `batch` whose key is deleted. The batch must hold the
    /// equality fields (a file that predates one holds its initial default, or null).
    func markDeleted(_ batch: ColumnBatch, keep: inout [Bool]) {
        if integerKey, let column = batch.column(id: fieldIds[0]), column.data != nil {
            Self.forEachInteger(column) { row, value in
                if let value {
                    if integers.contains(value) { keep[row] = false }
                } else if integerNull {
                    keep[row] = false
                }
            }
            return
        }
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount where keep[row] {
            let key = columns.map { $0[row] }
            let deleted =
                integerKey ? (key[0]?.exactInt64.map { integers.contains($0) } ?? integerNull) : tuples.contains(key)
            if deleted { keep[row] = false }
        }
    }

    /// Calls `body(row, value)` for each row of an integer-backed column (nil for null).
    static func forEachInteger(_ column: PrimitiveColumn, _ body: (Int, Int64?) -> Void) {
        guard let data = column.data else {
            let value = column.literals().first??.exactInt64
            for row in 0..<column.rowCount { body(row, value) }
            return
        }
        let md = UInt8(truncatingIfNeeded: column.maxDefinitionLevel)
        var valueIndex = 0
        func walk<T: BinaryInteger>(_ values: [T]) {
            if let defs = data.definitionLevels {
                for row in 0..<column.rowCount {
                    if defs[row] == md {
                        body(row, Int64(values[valueIndex]))
                        valueIndex += 1
                    } else {
                        body(row, nil)
                    }
                }
            } else {
                for row in 0..<column.rowCount { body(row, Int64(values[row])) }
            }
        }
        switch data.values {
        case .int32(let v): walk(v)
        case .int64(let v): walk(v)
        default:
            for (row, literal) in column.literals().enumerated() { body(row, literal?.exactInt64) }
        }
    }
}

/// A set of 64-bit integers with open addressing and a multiplicative hash: a lookup is a
/// multiply, a shift and usually one probe (Swift's `Set` hashes with SipHash, several times
/// slower per row).
struct IntegerKeySet: Sendable {
    private var slots: [Int64] = []
    private var occupied: [Bool] = []
    private var shift: UInt64 = 64
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    private func slot(_ value: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: value) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    mutating func insert(_ value: Int64) {
        if (count + 1) * 2 > slots.count { grow() }
        var i = slot(value)
        let mask = slots.count - 1
        while occupied[i] {
            if slots[i] == value { return }
            i = (i + 1) & mask
        }
        slots[i] = value
        occupied[i] = true
        count += 1
    }

    func contains(_ value: Int64) -> Bool {
        guard count > 0 else { return false }
        return slots.withUnsafeBufferPointer { s in
            occupied.withUnsafeBufferPointer { o in
                var i = slot(value)
                let mask = s.count - 1
                while o[i] {
                    if s[i] == value { return true }
                    i = (i + 1) & mask
                }
                return false
            }
        }
    }

    mutating func formUnion(_ other: IntegerKeySet) {
        for (i, used) in other.occupied.enumerated() where used { insert(other.slots[i]) }
    }

    private mutating func grow() {
        let capacity = max(16, slots.count * 2)
        let old = (slots, occupied)
        slots = [Int64](repeating: 0, count: capacity)
        occupied = [Bool](repeating: false, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for (i, used) in old.1.enumerated() where used { insert(old.0[i]) }
    }
}
