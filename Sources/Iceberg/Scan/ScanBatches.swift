import Parquet

/// A scan's rows as an async sequence of column batches (see `TableScan.batches()`).
/// Files are planned on the first call to `next()` and read one row group at a time, so memory
/// is bounded by a row group.
public struct ScanBatches: AsyncSequence, Sendable {
    /// Each element is one non-empty batch.
    public typealias Element = ColumnBatch
    let scan: TableScan

    /// Starts reading.
    public func makeAsyncIterator() -> Iterator { Iterator(scan: scan) }

    /// Reads batch after batch.
    public struct Iterator: AsyncIteratorProtocol {
        let scan: TableScan
        private var tasks: [FileScanTask]? = nil
        private var nextTask = 0
        private var current: OpenFile? = nil
        /// The delete files read so far.
        private var deletes = DeleteFileCache()
        /// Field ids for data files written without them.
        private let nameMapping: NameMapping?
        /// The projection plus the columns the filter needs (set on the first `next()`).
        private var readSchema: Schema? = nil

        private struct OpenFile {
            let reader: DataFileReader
            let output: FileLayout
            /// Deleted row positions, ascending.
            let deleted: [Int64]
            /// Keys deleted by equality delete files, one set per list of equality ids.
            let equalityDeletes: [EqualityDeleteKeys]
            var nextGroup = 0
        }

        init(scan: TableScan) {
            self.scan = scan
            nameMapping = NameMapping(metadata: scan.metadata)
        }

        /// Reads the given tasks, already planned, instead of planning the scan's.
        init(scan: TableScan, tasks: [FileScanTask]) {
            self.init(scan: scan)
            self.tasks = tasks
        }

        /// The next non-empty batch, or nil at the end of the scan.
        public mutating func next() async throws -> ColumnBatch? {
            if readSchema == nil {
                readSchema = try scan.schema.keeping(scan.projection.selectedIds.union(scan.filter?.fieldIds ?? []))
            }
            if tasks == nil { tasks = try await scan.planFiles() }
            while true {
                if var file = current, file.nextGroup < file.reader.rowGroupCount {
                    let g = file.nextGroup
                    file.nextGroup += 1
                    current = file
                    if let batch = try await read(file, rowGroup: g) { return batch }
                    continue
                }
                current = nil
                guard let tasks, nextTask < tasks.count else { return nil }
                let task = tasks[nextTask]
                nextTask += 1
                current = try await open(task)
            }
        }

        private mutating func open(_ task: FileScanTask) async throws -> OpenFile {
            var deleted: [Int64] = []
            var equalityFiles: [DataFile] = []
            for d in task.deletes {
                switch d.content {
                case .data:
                    continue
                case .equalityDeletes:
                    equalityFiles.append(d)
                case .positionDeletes where d.isDeletionVector:
                    deleted += try await deletes.vector(d, for: task.file.filePath, io: scan.io)
                case .positionDeletes:
                    deleted += try await deletes.positions(d, for: task.file.filePath, io: scan.io)
                }
            }
            deleted.sort()
            let equality = try await deletes.equalityKeys(equalityFiles, scan: scan)
            var schema = readSchema ?? scan.schema
            let equalityIds = Set(equality.flatMap(\.fieldIds))
            if !equalityIds.isSubset(of: schema.selectedIds) {
                schema = try scan.schema.keeping(schema.selectedIds.union(equalityIds))
            }
            let reader = try DataFileReader(
                input: ParquetInput.of(try await scan.io.input(task.file.filePath)), schema: schema,
                nameMapping: nameMapping)
            return OpenFile(
                reader: reader, output: try reader.layout(for: scan.projection), deleted: deleted,
                equalityDeletes: equality)
        }

        private func read(_ file: OpenFile, rowGroup g: Int) async throws -> ColumnBatch? {
            if let filter = scan.filter, !file.reader.rowGroupMayMatch(g, filter) { return nil }
            let batch = try await file.reader.readConcurrently(rowGroup: g)
            var keep = scan.filter.map { batch.matches($0) } ?? Array(repeating: true, count: batch.rowCount)
            if !file.deleted.isEmpty {
                let start = file.reader.firstRow(ofRowGroup: g)
                let end = start + Int64(batch.rowCount)
                var i = Self.lowerBound(file.deleted, start)
                while i < file.deleted.count, file.deleted[i] < end {
                    keep[Int(file.deleted[i] - start)] = false
                    i += 1
                }
            }
            for keys in file.equalityDeletes { keys.markDeleted(batch, keep: &keep) }
            // Filter-only columns are dropped before the kept rows are gathered.
            let selected = await batch.projected(onto: file.output).selectingConcurrently(rows: keep)
            return selected.rowCount == 0 ? nil : selected
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
}

extension Schema {
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
