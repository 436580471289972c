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
        /// Positions deleted per delete file, by data file path.
        private var deleteCache: [String: [String: [Int64]]] = [:]
        /// Field ids for data files written without them.
        private let nameMapping: NameMapping?
        /// The projection plus the columns the filter needs (set on the first `next()`).
        private var readSchema: Schema? = nil

        private struct OpenFile {
            let reader: DataFileReader
            let output: FileLayout
            /// Deleted row positions, ascending.
            let deleted: [Int64]
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
            for d in task.deletes {
                guard d.content == .positionDeletes else {
                    throw IcebergError.unsupported(
                        "equality delete file \(d.filePath) applies to \(task.file.filePath); only position deletes are read"
                    )
                }
                guard d.fileFormat.uppercased() == "PARQUET" else {
                    throw IcebergError.unsupported(
                        "\(d.fileFormat) delete file \(d.filePath) (deletion vectors and non-Parquet deletes are not read)"
                    )
                }
                if deleteCache[d.filePath] == nil {
                    deleteCache[d.filePath] = try await Self.positions(in: d, io: scan.io)
                }
                deleted += deleteCache[d.filePath]?[task.file.filePath] ?? []
            }
            deleted.sort()
            let reader = try DataFileReader(
                input: ParquetInput.of(try await scan.io.input(task.file.filePath)), schema: readSchema ?? scan.schema,
                nameMapping: nameMapping)
            return OpenFile(reader: reader, output: try reader.layout(for: scan.projection), deleted: deleted)
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

        /// The positions a position delete file deletes, by data file path.
        static func positions(in file: DataFile, io: FileIO) async throws -> [String: [Int64]] {
            let schema = try Schema(fields: [
                .required(2_147_483_546, "file_path", .string), .required(2_147_483_545, "pos", .long),
            ])
            let reader = try DataFileReader(input: ParquetInput.of(try await io.input(file.filePath)), schema: schema)
            var out: [String: [Int64]] = [:]
            for g in 0..<reader.rowGroupCount {
                let batch = try reader.read(rowGroup: g)
                guard case .byteArray(let paths)? = batch.column(id: 2_147_483_546)?.data?.values,
                    case .int64(let positions)? = batch.column(id: 2_147_483_545)?.data?.values,
                    paths.count == batch.rowCount, positions.count == batch.rowCount
                else {
                    throw IcebergError.invalidValue(
                        row: nil, field: "file_path, pos",
                        detail: "position delete file \(file.filePath) lacks required columns")
                }
                for i in 0..<batch.rowCount { out[paths.string(at: i), default: []].append(positions[i]) }
            }
            return out
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
