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
        /// The metadata columns (row lineage) the projection asks for.
        private let lineageFields: [NestedField]
        /// The projection plus the columns the filter needs (set on the first `next()`).
        private var readSchema: Schema? = nil

        private struct OpenFile {
            let reader: DataFileReader
            let output: FileLayout
            /// Deleted row positions, ascending.
            let deleted: [Int64]
            /// Keys deleted by equality delete files, one set per list of equality ids.
            let equalityDeletes: [EqualityDeleteKeys]
            /// The file's task (its first row id and sequence number give row lineage).
            let task: FileScanTask
            var nextGroup = 0
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
            var schema = readSchema ?? scan.schema
            let equalityIds = Set(equality.flatMap(\.fieldIds))
            if !equalityIds.isSubset(of: schema.selectedIds) {
                schema = try reading(schema.selectedIds.union(equalityIds))
            }
            let reader = try DataFileReader(
                input: ParquetInput.of(try await scan.io.input(task.file.filePath)), schema: schema,
                nameMapping: nameMapping)
            return OpenFile(
                reader: reader, output: try reader.layout(for: scan.projection), deleted: deleted,
                equalityDeletes: equality, task: task)
        }

        /// The table fields with these ids, plus the metadata columns the projection asks for
        /// (read from the file when it holds them).
        private func reading(_ ids: Set<Int>) throws -> Schema {
            let kept = try scan.schema.keeping(ids)
            if lineageFields.isEmpty { return kept }
            return try Schema(schemaId: kept.schemaId, fields: kept.fields + lineageFields)
        }

        /// `_pos` is the row's position in its file. Row lineage: a row's `_row_id` is the file's value, else the file's first row id
        /// plus the row's position; `_last_updated_sequence_number` is the file's value, else
        /// the file's data sequence number. Both are null in files without a first row id
        /// (written before the table moved to v3).
        private func withRowLineage(_ batch: ColumnBatch, _ file: OpenFile, start: Int64) -> ColumnBatch {
            guard !lineageFields.isEmpty else { return batch }
            var computed: [Int: ColumnData] = [:]
            let rows = batch.rowCount
            for f in lineageFields {
                let stored = batch.column(id: f.id).flatMap { $0.data == nil ? nil : $0.literals() }
                var values: [Int64] = []
                values.reserveCapacity(rows)
                var levels = [UInt8](repeating: 0, count: rows)
                if f.id == MetadataColumns.filePosition.id {
                    computed[f.id] = ColumnData(
                        values: .int64((0..<Int64(rows)).map { start + $0 }),
                        definitionLevels: [UInt8](repeating: 1, count: rows))
                    continue
                }
                for r in 0..<rows {
                    var value = stored?[r]?.exactInt64
                    if value == nil, let first = file.task.file.firstRowId {
                        value = f.id == MetadataColumns.rowId.id ? first + start + Int64(r) : file.task.sequenceNumber
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

        private func read(_ file: OpenFile, rowGroup g: Int) async throws -> ColumnBatch? {
            if let filter = scan.filter,
                !file.reader.rowGroupMayMatch(g, filter) || !file.reader.bloomFiltersMayMatch(g, filter)
            {
                return nil
            }
            let batch = withRowLineage(
                try await file.reader.readConcurrently(rowGroup: g), file, start: file.reader.firstRow(ofRowGroup: g))
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
            for keys in file.equalityDeletes {
                keys.markDeleted(batch, dataSequenceNumber: file.task.sequenceNumber, keep: &keep)
            }
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
