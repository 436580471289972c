import JSONSupport
import Parquet

/// Writes the data files of one append: rows are routed to one open Parquet file per
/// partition (by the spec's transforms), files roll at `write.target-file-size-bytes`, and
/// every file gets its partition tuple and column metrics. When the table has a sort order,
/// each file's rows are held until it closes, sorted by it (a permutation of row indices,
/// see `RowSorter`) and the file records the order's id. Nothing is visible in the table
/// until the files are committed; `abort()` deletes what was written.
public struct TableWriter: Sendable {
    /// The schema rows are written with.
    public let schema: Schema
    /// The partition spec.
    public let spec: PartitionSpec
    private let partitionType: StructType
    private let sourceTypes: [IcebergType]
    private let sourcePaths: [[String]]
    private let io: FileIO
    private let dataLocation: String
    private let options: ParquetWriterOptions
    private let targetFileSize: Int
    private let metrics: FileMetrics
    private let parquetSchema: ParquetSchema
    private let sorter: RowSorter?
    /// The sort order id files record (0, unsorted, when the table has none, as Java writes).
    private let sortOrderId: Int
    private var open: [[Literal?]: OpenFile] = [:]
    private var completed: [DataFile] = []
    private var written: [String] = []
    private var fileCounter = 0
    private let writeId = RandomUUID.make()
    /// Rows buffered per open file before they are handed to its Parquet writer.
    public var batchRows = 8192
    /// How many files `finish()` encodes and writes at once (default: the processor count;
    /// 1 writes them one after another on the calling task).
    public var maxConcurrentFiles = ProcessorCount.online
    /// With a sort order: sort each partition's rows across all the files written for it
    /// (files hold consecutive ranges of the order, as Java's range sort writes them) rather
    /// than each file on its own, holding at most this many bytes of rows per partition in
    /// memory and spilling sorted runs to local temporary files beyond it.
    var sortAcrossFilesMemoryBytes: Int? = nil
    private var sorts: [[Literal?]: PartitionSort] = [:]
    private var sortKeys: [[Literal?]] = []

    /// Prepares a writer for the table's current schema, default spec and `write.*` properties.
    public init(metadata: TableMetadata, io: FileIO) throws {
        try self.init(
            metadata: metadata, io: io, schema: metadata.currentSchema, spec: metadata.defaultSpec,
            sortOrder: metadata.defaultSortOrder, metricsProperties: metadata.properties)
    }

    /// A writer of rows of `schema` (a part of the table's) partitioned by `spec`, sorted by
    /// `sortOrder` (nil: unsorted), with column metrics per `metricsProperties`; the table's
    /// data location and Parquet settings; files roll at `targetFileSize` (nil:
    /// `write.target-file-size-bytes`). Equality-delete files are written this way.
    init(
        metadata: TableMetadata, io: FileIO, schema: Schema, spec: PartitionSpec, sortOrder: IcebergSpec.SortOrder?,
        metricsProperties: [(String, String)], targetFileSize: Int? = nil
    ) throws {
        self.schema = schema
        self.spec = spec
        if let (name, type) = schema.columnsNotHandled(writing: true).first {
            throw IcebergError.unsupported("writing column '\(name)' of type \(type)")
        }
        try spec.validate(schema)
        partitionType = try spec.partitionType(schema)
        sourceTypes = try spec.fields.map { f in
            guard let t = schema.field(id: f.sourceId)?.type else {
                throw IcebergError.invalidSchema("partition source \(f.sourceId) is not in the schema")
            }
            return t
        }
        sourcePaths = spec.fields.map {
            (schema.columnName(id: $0.sourceId) ?? "").split(separator: ".").map(String.init)
        }
        self.io = io
        dataLocation = try Self.dataLocation(metadata)
        var o = try TableWriter.parquetOptions(metadata)
        o.keyValueMetadata = [KeyValue(key: "iceberg.schema", value: schema.json.serialized())]
        options = o
        self.targetFileSize = try targetFileSize ?? metadata.value(of: TableProperties.writeTargetFileSizeBytes)
        metrics = try FileMetrics(schema: schema, properties: metricsProperties)
        parquetSchema = try schema.parquetSchema()
        sorter = try RowSorter(order: sortOrder ?? .unsorted, schema: schema, parquetSchema: parquetSchema)
        sortOrderId = sorter?.orderId ?? 0
    }

    /// Where new data (and deletion-vector) files go: `write.data.path`, else `<location>/data`.
    static func dataLocation(_ metadata: TableMetadata) throws -> String {
        try metadata.value(of: TableProperties.writeDataPath)
            ?? (metadata.location.hasSuffix("/") ? String(metadata.location.dropLast()) : metadata.location) + "/data"
    }

    /// Parquet settings from the table's `write.parquet.*` properties (codec default zstd).
    public static func parquetOptions(_ metadata: TableMetadata) throws -> ParquetWriterOptions {
        var o = ParquetWriterOptions()
        let level = try metadata.value(of: TableProperties.parquetCompressionLevel).map { Int32(clamping: $0) }
        let codec = TableProperties.parquetCompressionCodec
        let name = try metadata.value(of: codec)
        // Iceberg's zstd default is level 1 (pyarrow's is 3).
        guard let compression = ParquetCompression.named(name, level: level ?? (name.lowercased() == "zstd" ? 1 : nil))
        else {
            throw IcebergError.invalidProperty(key: codec.key, value: name, expected: ParquetCompression.names)
        }
        o.compression = compression
        if let v = try metadata.value(of: TableProperties.parquetRowGroupSizeBytes) { o.rowGroupBytes = v }
        if let v = try metadata.value(of: TableProperties.parquetPageSizeBytes) { o.dataPageSize = v }
        if let v = try metadata.value(of: TableProperties.parquetDictSizeBytes) { o.dictionaryPageSizeLimit = v }
        o.keyValueMetadata = [KeyValue(key: "iceberg.schema", value: metadata.currentSchema.json.serialized())]
        o.createdBy = "swift-iceberg 0.1.0"
        o.bloomFilterMaxBytes = try metadata.value(of: TableProperties.bloomFilterMaxBytes)
        for (key, _) in metadata.properties where key.hasPrefix(TableProperties.bloomFilterEnabledPrefix) {
            let column = String(key.dropFirst(TableProperties.bloomFilterEnabledPrefix.count))
            guard try metadata.value(of: TableProperties.bloomFilterEnabled(column)) else { continue }
            guard let field = metadata.currentSchema.field(at: column), field.type.isPrimitive else {
                throw IcebergError.invalidProperty(
                    key: key, value: "true", expected: "a primitive column of the table (no column '\(column)')")
            }
            o.bloomFilterColumns[column] = try metadata.value(of: TableProperties.bloomFilterFpp(column))
        }
        return o
    }

    /// The partition tuple of a row.
    public func partition(of row: JSONValue, rowNumber: Int) throws -> [Literal?] {
        try spec.fields.indices.map { i in
            var v: JSONValue? = row
            for name in sourcePaths[i] { v = v?[name] }
            do {
                let literal = try Literal.from(json: v ?? .null, type: sourceTypes[i])
                return spec.fields[i].transform.apply(literal, source: sourceTypes[i])
            } catch let IcebergError.invalidValue(_, _, detail) {
                throw IcebergError.invalidValue(
                    row: rowNumber, field: sourcePaths[i].joined(separator: "."), detail: detail)
            }
        }
    }

    /// Appends one row (an object in the JSON value convention).
    public mutating func append(_ row: JSONValue, rowNumber: Int) async throws {
        let key = try partition(of: row, rowNumber: rowNumber)
        if let sort = try partitionSort(key) {
            try sort.shredder.append(row, rowNumber: rowNumber)
            if sort.shredder.rowCount >= batchRows { try sort.flushRows() }
            return
        }
        let file = try await openFile(for: key)
        try file.shredder.append(row, rowNumber: rowNumber)
        file.rows += 1
        if file.shredder.rowCount >= batchRows {
            try file.flushBatch()
            try await (file.output as? RemoteOutputFile)?.flush()
        }
        if file.bufferedBytes + file.shredder.bufferedBytes / 4 >= targetFileSize {
            open[key] = nil
            try await close(file)
        }
    }

    /// Writes whole columns of one partition to its open file.
    mutating func appendGroup(key: [Literal?], columns: [ColumnData], rows: Int) async throws {
        if let sort = try partitionSort(key) {
            try sort.flushRows()
            try sort.add(columns, rows: rows)
            return
        }
        try await write(key: key, columns: columns, rows: rows)
    }

    /// The partition's rows held for the sort across files (nil when this writer sorts each
    /// file on its own, or not at all).
    private mutating func partitionSort(_ key: [Literal?]) throws -> PartitionSort? {
        guard let memory = sortAcrossFilesMemoryBytes, let sorter else { return nil }
        if let sort = sorts[key] { return sort }
        let sort = try PartitionSort(
            sorter: sorter, schema: schema, parquetSchema: parquetSchema, memoryBytes: memory,
            spillDirectory: "\(PartitionSort.temporaryDirectory)/iceberg-sort-\(writeId)-\(sortKeys.count)")
        sorts[key] = sort
        sortKeys.append(key)
        return sort
    }

    /// Writes whole columns of one partition to its open file, rolling it at the target size.
    private mutating func write(key: [Literal?], columns: [ColumnData], rows: Int) async throws {
        let file = try await openFile(for: key)
        try file.flushBatch()
        file.countNaNs(columns)
        try file.write(columns)
        try await (file.output as? RemoteOutputFile)?.flush()
        file.rows += rows
        if file.bufferedBytes >= targetFileSize {
            open[key] = nil
            try await close(file)
        }
    }

    /// The partition's open file, opened now when it has none.
    private mutating func openFile(for key: [Literal?]) async throws -> OpenFile {
        if let file = open[key] { return file }
        let file = try await openFile(key)
        open[key] = file
        return file
    }

    private mutating func openFile(_ key: [Literal?]) async throws -> OpenFile {
        fileCounter += 1
        var dir = dataLocation
        if !spec.fields.isEmpty {
            for (i, f) in spec.fields.enumerated() {
                dir +=
                    "/" + Self.escape(f.name) + "=" + Self.escape(f.transform.pathValue(key[i], source: sourceTypes[i]))
            }
        }
        let path = "\(dir)/00000-\(fileCounter)-\(writeId).parquet"
        let output = try await io.output(path)
        written.append(path)
        let writer = try ParquetWriter(sink: ParquetOutput.of(output), schema: parquetSchema, options: options)
        // Rows sorted across files arrive in order.
        return OpenFile(
            path: path, partition: key, output: output, writer: writer, shredder: try JSONRowShredder(schema: schema),
            sorter: sortAcrossFilesMemoryBytes == nil ? sorter : nil, sortOrderId: sortOrderId)
    }

    private mutating func close(_ file: OpenFile) async throws {
        completed.append(try await Self.closed(file, metrics: metrics, parquetSchema: parquetSchema))
    }

    /// Writes what `file` still buffers (usually its whole row group: the encoding and
    /// compression work), finishes it and describes it as a data file.
    private static func closed(_ file: OpenFile, metrics: FileMetrics, parquetSchema: ParquetSchema) async throws
        -> DataFile
    {
        try file.flushBatch()
        try file.writeSorted()
        let footer = try file.writer.close()
        try await (file.output as? RemoteOutputFile)?.finish()
        let size = file.writer.bytesWritten
        var df = DataFile(
            filePath: file.path, partition: file.partition, recordCount: footer.numRows, fileSizeInBytes: Int64(size))
        metrics.apply(footer, parquetSchema: parquetSchema, nanCounts: file.nanCounts, to: &df)
        df.sortOrderId = file.sortOrderId
        return df
    }

    /// Closes every open file and returns the data files written. Up to `maxConcurrentFiles`
    /// files are encoded, compressed and finished at once, in child tasks. A file leaves the
    /// open set only once it is closed, so `abort()` after a failure reaches the others.
    public mutating func finish() async throws -> [DataFile] {
        for key in sortKeys {
            guard let sort = sorts[key] else { continue }
            // Pieces of an eighth of a file, so files roll close to the target size.
            try await sort.drain(pieceBytes: targetFileSize / 8, maxPieceRows: batchRows) { columns, rows in
                try await write(key: key, columns: columns, rows: rows)
            }
            sorts[key] = nil
        }
        sortKeys = []
        let files = open.sorted { $0.value.path < $1.value.path }
        let limit = max(1, maxConcurrentFiles)
        if files.count < 2 || limit == 1 {
            for (key, f) in files {
                try await close(f)
                open[key] = nil
            }
            return completed
        }
        let metrics = metrics
        let parquetSchema = parquetSchema
        var closed = [DataFile?](repeating: nil, count: files.count)
        try await withThrowingTaskGroup(of: (Int, DataFile).self) { group in
            var next = 0
            func start() {
                let i = next
                let file = files[i].value
                group.addTask { (i, try await Self.closed(file, metrics: metrics, parquetSchema: parquetSchema)) }
                next += 1
            }
            while next < min(limit, files.count) { start() }
            for try await (i, df) in group {
                closed[i] = df
                open[files[i].key] = nil
                if next < files.count { start() }
            }
        }
        completed += closed.compactMap { $0 }
        return completed
    }

    /// Deletes every file this writer created (after a failure or a failed commit).
    public func abort() async {
        for sort in sorts.values { sort.removeRuns() }
        for f in open.values {
            (f.output as? FileSink)?.abort()
            await (f.output as? RemoteOutputFile)?.abort()
        }
        try? await io.delete(written)
    }

    /// Locations written so far.
    public var writtenFiles: [String] { written }

    /// Bytes of rows held in memory: the open files' buffered rows and row groups not yet
    /// encoded, and rows held for a sort.
    public var bufferedBytes: Int {
        open.values.reduce(0) { $0 + $1.memoryBytes } + sorts.values.reduce(0) { $0 + $1.heldBytesNow }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }
}

/// One Parquet file being written by a `TableWriter`. Unchecked `Sendable`: the writer
/// touches it from one task at a time, and `finish()` hands each file to exactly one child task.
final class OpenFile: @unchecked Sendable {
    let path: String
    let partition: [Literal?]
    let output: OutputFile
    let writer: ParquetWriter
    var shredder: JSONRowShredder
    let sorter: RowSorter?
    let sortOrderId: Int
    var rows = 0
    var nanCounts: [Int: Int64] = [:]
    /// With a sort order: every row of the file so far, until it closes.
    private var sortBuffer: [ColumnData]? = nil
    private var sortBufferBytes = 0

    init(
        path: String, partition: [Literal?], output: OutputFile, writer: ParquetWriter, shredder: JSONRowShredder,
        sorter: RowSorter?, sortOrderId: Int
    ) {
        self.path = path
        self.partition = partition
        self.output = output
        self.writer = writer
        self.shredder = shredder
        self.sorter = sorter
        self.sortOrderId = sortOrderId
    }

    /// The file's size so far as the roll-over check measures it: bytes written plus the
    /// (plain-encoded) bytes held for the next row group or the sort.
    var bufferedBytes: Int { writer.bytesWritten + writer.bufferedBytes + sortBufferBytes }

    /// Bytes of rows held in memory (not yet encoded into the file).
    var memoryBytes: Int { writer.bufferedBytes + shredder.bufferedBytes + sortBufferBytes }

    /// Hands rows to the Parquet writer, or holds them for the sort.
    func write(_ columns: [ColumnData]) throws {
        guard sorter != nil else { return try writer.write(columns) }
        sortBufferBytes += columns.reduce(0) { $0 + $1.estimatedPlainBytes }
        if sortBuffer == nil {
            sortBuffer = columns
        } else {
            for i in columns.indices { sortBuffer![i].append(columns[i]) }
        }
    }

    /// Sorts the held rows and writes them (once, as the file closes).
    func writeSorted() throws {
        guard let sorter, let buffer = sortBuffer, let first = buffer.first else { return }
        sortBuffer = nil
        sortBufferBytes = 0
        let order = sorter.permutation(buffer, rows: first.rowCount)
        let columns = writer.schema.columns
        try writer.write(
            buffer.indices.map { buffer[$0].gatheringRows(order, maxDefinitionLevel: columns[$0].maxDefinitionLevel) })
    }

    func flushBatch() throws {
        guard shredder.rowCount > 0 else { return }
        let columns = shredder.takeColumns()
        countNaNs(columns)
        try write(columns)
    }

    func countNaNs(_ columns: [ColumnData]) {
        for (i, c) in columns.enumerated() {
            var nan: Int64 = 0
            switch c.values {
            case .float(let v): for x in v where x.isNaN { nan += 1 }
            case .double(let v): for x in v where x.isNaN { nan += 1 }
            default: continue
            }
            if let id = writer.schema.columns[i].node.element.fieldId { nanCounts[Int(id), default: 0] += nan }
        }
    }
}
