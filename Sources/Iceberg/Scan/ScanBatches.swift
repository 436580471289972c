import Parquet

/// A scan's rows as an async sequence of column batches (see `TableScan.batches()`), in file
/// and row group order. Files are planned on the first call to `next()`; row groups are read
/// as many at once as the machine has processors (each decoding its columns in parallel), so
/// memory is bounded by that many row groups, and the next few files are opened ahead.
public struct ScanBatches: AsyncSequence, Sendable {
    /// Each element is one non-empty batch.
    public typealias Element = ColumnBatch
    let scan: TableScan
    /// Where to count what is pruned and read (nil: not counted).
    var metrics: ScanMetrics? = nil

    /// Starts reading.
    public func makeAsyncIterator() -> Iterator {
        var iterator = Iterator(scan: scan)
        iterator.metrics = metrics
        return iterator
    }

    /// Reads batch after batch.
    public struct Iterator: AsyncIteratorProtocol {
        let scan: TableScan
        var metrics: ScanMetrics? = nil
        private var tasks: [FileScanTask]? = nil
        private var nextTask = 0
        /// The file whose row groups are being started, and the index of the next one among
        /// those it reads.
        private var current: (file: OpenFile, next: Int)? = nil
        /// Row groups being read, in order.
        private var pending: [Task<ColumnBatch?, Error>] = []
        private let readAhead = ProcessorCount.online
        /// Data files being opened (their footers read, their row groups judged by statistics
        /// and Bloom filters) ahead of their turn, by task index: a scan of many small files,
        /// or a lookup whose row groups are mostly pruned, does not wait for one footer after
        /// another (on S3, one request after another).
        private var opening: [Int: Task<(DataFileReader, DataFileReader.RowGroupPruning), Error>] = [:]
        /// How many files are opened ahead: footers are small and their reads mostly wait.
        private let filesOpenedAhead = 8
        /// Why the next file could not be opened: thrown once the row groups before it are out.
        private var openFailure: (any Error)? = nil
        /// The delete files read so far.
        private var deletes = DeleteFileCache()
        /// Field ids for data files written without them.
        private let nameMapping: NameMapping?
        /// The metadata columns (row lineage) the projection asks for.
        private let lineageFields: [NestedField]
        /// The projection plus the columns the filter needs (set on the first `next()`).
        private var readSchema: Schema? = nil

        /// A data file ready to read (a class: every row group's task holds it).
        final class OpenFile: Sendable {
            let reader: DataFileReader
            let output: FileLayout
            /// The columns read first, for all candidate rows: the filter's and the equality
            /// delete keys' (empty leaves when there are neither).
            let tested: FileLayout
            /// Deleted row positions, ascending.
            let deleted: [Int64]
            /// Keys deleted by equality delete files, one set per list of equality ids.
            let equalityDeletes: [EqualityDeleteKeys]
            /// The file's task (its first row id and sequence number give row lineage).
            let task: FileScanTask
            /// The row groups read: those the filter's statistics and Bloom filters leave.
            let rowGroups: [Int]

            init(
                reader: DataFileReader, output: FileLayout, tested: FileLayout, deleted: [Int64],
                equalityDeletes: [EqualityDeleteKeys], task: FileScanTask, rowGroups: [Int]
            ) {
                self.rowGroups = rowGroups
                self.reader = reader
                self.output = output
                self.tested = tested
                self.deleted = deleted
                self.equalityDeletes = equalityDeletes
                self.task = task
            }
        }

        init(scan: TableScan) {
            self.scan = scan
            nameMapping = NameMapping(metadata: scan.metadata)
            lineageFields = scan.projection.fields.filter { MetadataColumns.contains(id: $0.id) }
        }

        /// Reads the given tasks, already planned, instead of planning the scan's.
        init(scan: TableScan, tasks: [FileScanTask]) {
            self.init(scan: scan)
            self.tasks = tasks
        }

        /// The next non-empty batch, or nil at the end of the scan.
        public mutating func next() async throws -> ColumnBatch? {
            if readSchema == nil {
                let schema = try reading(scan.projection.selectedIds.union(scan.filter?.fieldIds ?? []))
                if let (name, type) = schema.columnsNotHandled(writing: false).first {
                    throw IcebergError.unsupported(
                        "column '\(name)' has type \(type), which scans do not read yet (select the other columns)")
                }
                readSchema = schema
            }
            if tasks == nil {
                var report = ScanReport()
                tasks = try await scan.planFiles(&report)
                metrics?.update { $0 = report }
            }
            let reading = RowGroupReading(scan: scan, metrics: metrics, lineageFields: lineageFields)
            while true {
                // Keep `readAhead` row groups in flight, opening files as their turn comes.
                while pending.count < readAhead {
                    if let (file, i) = current, i < file.rowGroups.count {
                        current = (file, i + 1)
                        let g = file.rowGroups[i]
                        pending.append(Task { try await reading.read(file, rowGroup: g) })
                        continue
                    }
                    current = nil
                    guard openFailure == nil, let tasks, nextTask < tasks.count else { break }
                    do {
                        let task = tasks[nextTask]
                        try startOpening(tasks[nextTask..<Swift.min(nextTask + filesOpenedAhead, tasks.count)])
                        let (reader, pruning) = try await opening.removeValue(forKey: nextTask)!.value
                        nextTask += 1
                        let file = try await open(task, reader: reader, rowGroups: pruning.kept)
                        metrics?.opened(file.reader)
                        metrics?.update {
                            $0.rowGroupsPrunedByStatistics += pruning.prunedByStatistics
                            $0.rowGroupsPrunedByBloomFilter += pruning.prunedByBloomFilter
                        }
                        current = (file, 0)
                    } catch {
                        // Reported after the batches of the files before it.
                        openFailure = error
                    }
                }
                guard !pending.isEmpty else {
                    guard let failure = openFailure else { return nil }
                    // The scan ends with the error: a later call returns nil.
                    openFailure = nil
                    nextTask = tasks?.count ?? nextTask
                    throw failure
                }
                if let batch = try await pending.removeFirst().value { return batch }
            }
        }

        /// Starts opening the data files of these tasks that are not being opened yet.
        private mutating func startOpening(_ next: ArraySlice<FileScanTask>) throws {
            for (i, task) in zip(next.indices, next) where opening[i] == nil {
                let schema = try readerSchema(task)
                let (io, nameMapping, filter, footers) = (scan.io, nameMapping, scan.filter, scan.footerCache)
                opening[i] = Task {
                    let reader = try await DataFileReader.open(
                        task.file.filePath, io: io, schema: schema, nameMapping: nameMapping, footers: footers)
                    return (reader, reader.rowGroups(matching: filter))
                }
            }
        }

        /// The columns read from a task's data file: the projection's, the filter's and the
        /// equality keys' of its delete files.
        private func readerSchema(_ task: FileScanTask) throws -> Schema {
            let schema = readSchema ?? scan.schema
            let equalityIds = Set(task.equalityDeletes.flatMap { $0.file.equalityIds ?? [] })
            return equalityIds.isSubset(of: schema.selectedIds)
                ? schema : try reading(schema.selectedIds.union(equalityIds))
        }

        private mutating func open(_ task: FileScanTask, reader: DataFileReader, rowGroups: [Int]) async throws
            -> OpenFile
        {
            var deleted: [Int64] = []
            for d in task.deletes {
                switch d.content {
                case .data:
                    continue
                case .equalityDeletes:
                    continue
                case .positionDeletes where d.isDeletionVector:
                    deleted += try await deletes.vector(d, for: task.file.filePath, io: scan.io)
                case .positionDeletes:
                    deleted += try await deletes.positions(d, for: task.file.filePath, io: scan.io)
                }
            }
            deleted.sort()
            let equality = try await deletes.equalityKeys(task.equalityDeletes, scan: scan)
            let equalityIds = Set(equality.flatMap(\.fieldIds))
            let testedIds = (scan.filter?.fieldIds ?? []).union(equalityIds)
            return OpenFile(
                reader: reader, output: try reader.layout(for: scan.projection),
                tested: try reader.layout(for: try scan.schema.keeping(testedIds)), deleted: deleted,
                equalityDeletes: equality, task: task, rowGroups: rowGroups)
        }

        /// The table fields with these ids, plus the metadata columns the projection asks for
        /// (read from the file when it holds them).
        private func reading(_ ids: Set<Int>) throws -> Schema {
            let kept = try scan.schema.keeping(ids)
            if lineageFields.isEmpty { return kept }
            return try Schema(schemaId: kept.schemaId, fields: kept.fields + lineageFields)
        }

    }
}

/// Reads one row group of an open file for a scan (in a task of its own).
struct RowGroupReading: Sendable {
    let scan: TableScan
    let metrics: ScanMetrics?
    /// The metadata columns (row lineage) the projection asks for.
    let lineageFields: [NestedField]

    /// `_pos` is the row's position in its file. Row lineage: a row's `_row_id` is the file's value, else the file's first row id
    /// plus the row's position; `_last_updated_sequence_number` is the file's value, else
    /// the file's data sequence number. Both are null in files without a first row id
    /// (written before the table moved to v3). `rows` are the batch's rows in its row group,
    /// which starts at position `start`.
    func withRowLineage(
        _ batch: ColumnBatch, _ file: ScanBatches.Iterator.OpenFile, start: Int64, rows selected: RowSelection
    )
        -> ColumnBatch
    {
        guard !lineageFields.isEmpty else { return batch }
        var positions: [Int64] = []
        positions.reserveCapacity(batch.rowCount)
        for r in selected.ranges { for row in r { positions.append(start + Int64(row)) } }
        var computed: [Int: ColumnData] = [:]
        let rows = batch.rowCount
        for f in lineageFields {
            let stored = batch.column(id: f.id).flatMap { $0.data == nil ? nil : $0.literals() }
            var values: [Int64] = []
            values.reserveCapacity(rows)
            var levels = [UInt8](repeating: 0, count: rows)
            if f.id == MetadataColumns.filePosition.id {
                computed[f.id] = ColumnData(
                    values: .int64(positions), definitionLevels: [UInt8](repeating: 1, count: rows))
                continue
            }
            for r in 0..<rows {
                var value = stored?[r]?.exactInt64
                if value == nil, let first = file.task.file.firstRowId {
                    value = f.id == MetadataColumns.rowId.id ? first + positions[r] : file.task.sequenceNumber
                }
                if let value {
                    values.append(value)
                    levels[r] = 1
                }
            }
            computed[f.id] = ColumnData(values: .int64(values), definitionLevels: levels)
        }
        return batch.computing(computed)
    }

    /// Reads a row group (one that statistics and Bloom filters left, see
    /// `DataFileReader.rowGroups(matching:)`) in two steps. The column indexes of the filter's
    /// columns narrow it to candidate rows. The tested columns (the filter's and the equality
    /// delete keys') are read for the candidates; the filter and the deletes leave the selected
    /// rows, and the other projected columns are read for those alone (pages without one not
    /// decoded).
    func read(_ file: ScanBatches.Iterator.OpenFile, rowGroup g: Int) async throws -> ColumnBatch? {
        let groupRows = file.reader.rowCount(ofRowGroup: g)
        let start = file.reader.firstRow(ofRowGroup: g)
        var candidates = RowSelection.all(groupRows)
        if let filter = scan.filter {
            let pages = file.reader.pageIndexSelection(g, filter)
            metrics?.update {
                $0.pagesIndexed += pages.pages
                $0.pagesPrunedByPageIndex += pages.pruned
                if pages.rows.isEmpty { $0.rowGroupsPrunedByPageIndex += 1 }
            }
            if pages.rows.isEmpty { return nil }
            candidates = pages.rows
        }
        let tested = ColumnBatch(
            layout: file.tested, rowCount: candidates.rowCount,
            leaves: try await file.reader.read(rowGroup: g, columns: file.tested.columnIndices, rows: candidates))
        var keep = scan.filter.map { tested.matches($0) } ?? Array(repeating: true, count: tested.rowCount)
        if !file.deleted.isEmpty {
            // Deleted positions among the candidates: `base` is the batch row of a range's first row.
            var base = 0
            for r in candidates.ranges {
                let lo = start + Int64(r.lowerBound)
                let hi = start + Int64(r.upperBound)
                var i = Self.lowerBound(file.deleted, lo)
                while i < file.deleted.count, file.deleted[i] < hi {
                    keep[base + Int(file.deleted[i] - lo)] = false
                    i += 1
                }
                base += r.count
            }
        }
        for keys in file.equalityDeletes {
            keys.markDeleted(tested, dataSequenceNumber: file.task.sequenceNumber, keep: &keep)
        }
        let selected = RowSelection(rows: candidates, keeping: keep)
        metrics?.update { $0.rowsTested += tested.rowCount }
        if selected.isEmpty { return nil }
        // The output's leaves: tested ones narrowed to the selected rows, the others read now.
        var testedLeaf: [Int: Int] = [:]
        for (i, c) in file.tested.columnIndices.enumerated() { testedLeaf[c] = i }
        let rest = file.output.columnIndices.filter { testedLeaf[$0] == nil }
        let restLeaves = try await file.reader.read(rowGroup: g, columns: rest, rows: selected)
        let narrowTested = selected.rowCount < candidates.rowCount
        var restIndex = 0
        var leaves: [ColumnData] = []
        leaves.reserveCapacity(file.output.columnIndices.count)
        for (i, c) in file.output.columnIndices.enumerated() {
            if let t = testedLeaf[c] {
                let leaf = tested.leaves[t]
                leaves.append(
                    narrowTested
                        ? leaf.selecting(rows: keep, maxDefinitionLevel: file.output.maxDefinitionLevels[i]) : leaf)
            } else {
                leaves.append(restLeaves[restIndex])
                restIndex += 1
            }
        }
        let batch = withRowLineage(
            ColumnBatch(layout: file.output, rowCount: selected.rowCount, leaves: leaves), file, start: start,
            rows: selected)
        metrics?.update { $0.rowsReturned += batch.rowCount }
        return batch
    }

    private static func lowerBound(_ a: [Int64], _ v: Int64) -> Int {
        var lo = 0
        var hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

extension Schema {
    /// The dotted names and types of the fields whose values are not read (variant and the
    /// geospatial types) or, when `writing`, not written (those and `unknown`).
    func columnsNotHandled(writing: Bool) -> [(String, IcebergType)] {
        var out: [(String, IcebergType)] = []
        func walk(_ fields: [NestedField], _ prefix: String) {
            for f in fields {
                let name = prefix + f.name
                switch f.type {
                case .struct(let st): walk(st.fields, name + ".")
                case .list(let l) where !l.element.isReadable: out.append((name, f.type))
                case .map(let m) where !(m.key.isReadable && m.value.isReadable): out.append((name, f.type))
                case .unknown where writing: out.append((name, f.type))
                case let t where !t.isReadable: out.append((name, t))
                default: break
                }
            }
        }
        walk(fields, "")
        return out
    }

    /// The ids a projection selects: its primitive, list and map fields (structs are implied
    /// by their selected children).
    var selectedIds: Set<Int> {
        var ids = Set<Int>()
        func walk(_ fields: [NestedField]) {
            for f in fields {
                if case .struct(let st) = f.type, !st.fields.isEmpty { walk(st.fields) } else { ids.insert(f.id) }
            }
        }
        walk(fields)
        return ids
    }

    /// The schema reduced to the fields whose id is in `ids` (with their whole subtrees) and
    /// the structs that lead to them.
    func keeping(_ ids: Set<Int>) throws -> Schema {
        func prune(_ fields: [NestedField]) -> [NestedField] {
            fields.compactMap { f in
                if ids.contains(f.id) { return f }
                guard case .struct(let st) = f.type else { return nil }
                let kept = prune(st.fields)
                if kept.isEmpty { return nil }
                var narrowed = f
                narrowed.type = .struct(StructType(kept))
                return narrowed
            }
        }
        return try Schema(schemaId: schemaId, fields: prune(fields))
    }
}
