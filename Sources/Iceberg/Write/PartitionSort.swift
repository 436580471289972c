import Glibc
import Parquet

/// The rows of one partition of a `TableWriter` that sorts across files (as compaction's
/// `sort` strategy does, like Java's range sort of a file group): rows are held in memory up
/// to `memoryBytes`; beyond that the held rows are sorted and spilled to a local temporary
/// Parquet file (a run). `drain` gives every row back in order, merging the runs, so the
/// files written from it hold consecutive ranges of the order. Memory stays bounded by
/// `memoryBytes` plus two row groups of each run.
///
/// Unchecked `Sendable`: its writer uses it from one task at a time.
final class PartitionSort: @unchecked Sendable {
    private let sorter: RowSorter
    private let parquetSchema: ParquetSchema
    private let memoryBytes: Int
    private let spillDirectory: String
    /// Rows appended one by one, until they join the held columns.
    var shredder: JSONRowShredder
    private var held: [ColumnData]?
    private var heldRows = 0
    private var heldBytes = 0
    private(set) var runs: [String] = []
    /// Rows and bytes added in all, for the size of the pieces `drain` hands out.
    private var addedRows = 0
    private var addedBytes = 0
    /// Rows per row group of a run (what the merge holds of each run at once).
    private let runGroupRows: Int

    init(sorter: RowSorter, schema: Schema, parquetSchema: ParquetSchema, memoryBytes: Int, spillDirectory: String)
        throws
    {
        self.sorter = sorter
        self.parquetSchema = parquetSchema
        self.memoryBytes = max(1, memoryBytes)
        self.spillDirectory = spillDirectory
        shredder = try JSONRowShredder(schema: schema)
        runGroupRows = 65_536
    }

    /// Holds whole columns of `rows` rows (Parquet leaf form), spilling when memory is full.
    func add(_ columns: [ColumnData], rows: Int) throws {
        guard rows > 0 else { return }
        if held == nil {
            held = columns
        } else {
            for i in columns.indices { held![i].append(columns[i]) }
        }
        let bytes = columns.reduce(0) { $0 + $1.estimatedPlainBytes }
        heldRows += rows
        heldBytes += bytes
        addedRows += rows
        addedBytes += bytes
        if heldBytes >= memoryBytes { try spill() }
    }

    /// Bytes of rows held in memory now.
    var heldBytesNow: Int { heldBytes + shredder.bufferedBytes }

    /// Moves the rows appended one by one into the held columns.
    func flushRows() throws {
        let rows = shredder.rowCount
        guard rows > 0 else { return }
        try add(shredder.takeColumns(), rows: rows)
    }

    /// The held rows, sorted (and no longer held).
    private func takeSorted() -> (columns: [ColumnData], rows: Int)? {
        guard let columns = held, heldRows > 0 else { return nil }
        let rows = heldRows
        held = nil
        heldRows = 0
        heldBytes = 0
        let order = sorter.permutation(columns, rows: rows)
        return (gather(columns, order), rows)
    }

    private func gather(_ columns: [ColumnData], _ order: [Int]) -> [ColumnData] {
        columns.indices.map {
            columns[$0].gatheringRows(order, maxDefinitionLevel: parquetSchema.columns[$0].maxDefinitionLevel)
        }
    }

    /// Sorts the held rows and writes them as a run of row groups of `runGroupRows` rows.
    private func spill() throws {
        guard let (columns, _) = takeSorted() else { return }
        if runs.isEmpty { try LocalFileIO.makeDirectories(spillDirectory) }
        let path = "\(spillDirectory)/run-\(runs.count).parquet"
        runs.append(path)
        var options = ParquetWriterOptions()
        options.compression = .lz4Raw
        options.rowGroupRows = runGroupRows
        let writer = try ParquetWriter(
            sink: try FileSink(path: path, atomic: false), schema: parquetSchema, options: options)
        try writer.write(columns)
        _ = try writer.close()
    }

    /// Every row in order, handed to `emit` in pieces of about `pieceBytes` bytes (at most
    /// `maxPieceRows` rows); the runs are deleted afterwards.
    func drain(pieceBytes: Int, maxPieceRows: Int, _ emit: ([ColumnData], Int) async throws -> Void) async throws {
        try flushRows()
        defer { removeRuns() }
        let bytesPerRow = max(1, addedBytes / max(1, addedRows))
        let pieceRows = max(1, min(maxPieceRows, pieceBytes / bytesPerRow))
        guard !runs.isEmpty else {
            guard let (columns, rows) = takeSorted() else { return }
            for start in stride(from: 0, to: rows, by: pieceRows) {
                let end = min(rows, start + pieceRows)
                try await emit(start == 0 && end == rows ? columns : gather(columns, Array(start..<end)), end - start)
            }
            return
        }
        try await merge(pieceRows: pieceRows, emit)
    }

    /// A k-way merge of the runs (and the rows still held, as one more run) done columnar: each
    /// round sorts the rows at hand (the next row group of every run whose rows have all been
    /// emitted, and what earlier rounds kept back) and emits those that sort at or before the
    /// frontier, the smallest of the last rows of the runs that have more to read (no later
    /// row of any run can sort before it). The run that sets the frontier is emptied each round.
    private func merge(pieceRows: Int, _ emit: ([ColumnData], Int) async throws -> Void) async throws {
        let readers = try runs.map { try ParquetReader(path: $0) }
        var nextGroup = [Int](repeating: 0, count: readers.count)
        // Rows at hand: columns, and the run each row came from (readers.count: the held rows).
        var columns: [ColumnData]?
        var origin: [Int32] = []
        var pending = [Int](repeating: 0, count: readers.count)
        if let (rest, rows) = takeSorted() {
            columns = rest
            origin = [Int32](repeating: Int32(readers.count), count: rows)
        }
        while true {
            var lastRow = [Int?](repeating: nil, count: readers.count)
            for r in readers.indices where pending[r] == 0 && nextGroup[r] < readers[r].rowGroupCount {
                let group = try readers[r].readRowGroup(nextGroup[r])
                let rows = Int(readers[r].metadata.rowGroups[nextGroup[r]].numRows)
                nextGroup[r] += 1
                if columns == nil {
                    columns = group
                } else {
                    for i in group.indices { columns![i].append(group[i]) }
                }
                origin += [Int32](repeating: Int32(r), count: rows)
                pending[r] = rows
            }
            guard let atHand = columns, !origin.isEmpty else { return }
            // Each run's rows at hand are in order, so its last one at hand is its largest.
            for (row, r) in origin.enumerated() where Int(r) < readers.count { lastRow[Int(r)] = row }
            let order = sorter.permutation(atHand, rows: origin.count)
            var frontier = order.count - 1
            var position = [Int](repeating: 0, count: order.count)
            for (p, row) in order.enumerated() { position[row] = p }
            for r in readers.indices where nextGroup[r] < readers[r].rowGroupCount {
                if let row = lastRow[r] { frontier = min(frontier, position[row]) }
            }
            for start in stride(from: 0, through: frontier, by: pieceRows) {
                let end = min(frontier + 1, start + pieceRows)
                try await emit(gather(atHand, Array(order[start..<end])), end - start)
            }
            pending = [Int](repeating: 0, count: readers.count)
            let kept = Array(order[(frontier + 1)...])
            origin = kept.map { origin[$0] }
            for r in origin where Int(r) < readers.count { pending[Int(r)] += 1 }
            columns = kept.isEmpty ? nil : gather(atHand, kept)
        }
    }

    /// Where runs are spilled: `TMPDIR`, else `/tmp`.
    static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Deletes the runs written so far.
    func removeRuns() {
        for path in runs { unlink(path) }
        runs = []
        rmdir(spillDirectory)
    }
}
