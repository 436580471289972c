import Parquet

/// The keys that equality delete files of one scope (a partition, or every partition for an
/// unpartitioned spec) remove, for one list of equality field ids: each key with the highest
/// sequence number of a delete file holding it. A row of a data file with data sequence
/// number `s` is deleted when its values of those fields equal a key whose sequence number
/// is above `s` (nulls equal to nulls). Every delete file of the scope goes into one map once,
/// so a table with a long history of equality deletes costs one insert per deleted key and
/// one lookup per row, not a union per data file.
///
/// A single integer-backed column (int, long, date, time, timestamps) is kept in an
/// open-addressing map with no allocation per row; other keys as tuples of literals.
struct EqualityDeleteKeys: Sendable {
    /// The equality field ids, in the delete files' order.
    let fieldIds: [Int]
    private let integerKey: Bool
    private var integers = IntegerKeyMap<Int64>()
    private var integerNull: Int64?
    private var tuples: [[Literal?]: Int64] = [:]

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
    var isEmpty: Bool { integers.count == 0 && integerNull == nil && tuples.isEmpty }

    /// Adds the keys of a batch read from an equality delete file with `sequenceNumber`.
    mutating func insert(_ batch: ColumnBatch, sequenceNumber: Int64) {
        if integerKey, let column = batch.column(id: fieldIds[0]) {
            Self.forEachInteger(column) { _, value in
                if let value {
                    integers.raise(value, to: sequenceNumber)
                } else {
                    integerNull = max(integerNull ?? sequenceNumber, sequenceNumber)
                }
            }
            return
        }
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount {
            let key = columns.map { $0[row] }
            tuples[key] = max(tuples[key] ?? sequenceNumber, sequenceNumber)
        }
    }

    /// Clears `keep` for each row of `batch`, read from a data file with data sequence number
    /// `dataSequenceNumber`, whose key a later delete removes. The batch must hold the
    /// equality fields (a file that predates one holds its initial default, or null).
    func markDeleted(_ batch: ColumnBatch, dataSequenceNumber: Int64, keep: inout [Bool]) {
        if integerKey, let column = batch.column(id: fieldIds[0]), column.data != nil {
            let nullDeleted = (integerNull ?? Int64.min) > dataSequenceNumber
            Self.forEachInteger(column) { row, value in
                if let value {
                    if let seq = integers.find(value), seq > dataSequenceNumber { keep[row] = false }
                } else if nullDeleted {
                    keep[row] = false
                }
            }
            return
        }
        let columns = fieldIds.map { batch.column(id: $0)?.literals() ?? Array(repeating: nil, count: batch.rowCount) }
        for row in 0..<batch.rowCount where keep[row] {
            let key = columns.map { $0[row] }
            let seq: Int64? =
                integerKey ? (key[0]?.exactInt64.map { integers.find($0) } ?? integerNull) : tuples[key]
            if let seq, seq > dataSequenceNumber { keep[row] = false }
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
