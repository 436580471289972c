import Parquet
import Puffin

/// Writes position-delete files (format v2 merge-on-read): one Parquet file per data file,
/// rows `(file_path, pos)` sorted by position, with full metrics on both columns (Java's
/// `MetricsConfig.forPositionDelete`) and `referenced_data_file` set, next to the data file.
public struct PositionDeleteWriter: Sendable {
    private let io: FileIO
    private let options: ParquetWriterOptions
    private let schema: Schema
    private let parquetSchema: ParquetSchema
    private let metrics: FileMetrics

    /// A writer for the table's `write.parquet.*` settings.
    public init(metadata: TableMetadata, io: FileIO) throws {
        self.io = io
        schema = try Schema(fields: [MetadataColumns.deleteFilePath, MetadataColumns.deletePosition])
        var o = try TableWriter.parquetOptions(metadata)
        o.keyValueMetadata = [KeyValue(key: "iceberg.schema", value: schema.json.serialized())]
        options = o
        parquetSchema = try schema.parquetSchema()
        metrics = try FileMetrics(schema: schema, properties: [(TableProperties.metricsDefault.key, "full")])
    }

    /// Writes the deletes of `positions` (ascending, distinct) of `dataFile` and describes
    /// the file (its partition is the data file's).
    public func write(_ positions: [Int64], of dataFile: DataFile) async throws -> DataFile {
        let directory = dataFile.filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
            .joined(separator: "/")
        let path = "\(directory)/\(RandomUUID.make())-deletes.parquet"
        let output = try await io.output(path)
        do {
            let writer = try ParquetWriter(sink: ParquetOutput.of(output), schema: parquetSchema, options: options)
            var paths = ByteArrayBuffer(
                capacity: positions.count, byteCapacity: positions.count * dataFile.filePath.utf8.count)
            for _ in positions { paths.append(dataFile.filePath) }
            try writer.write([ColumnData(values: .byteArray(paths)), ColumnData(values: .int64(positions))])
            let footer = try writer.close()
            try await (output as? RemoteOutputFile)?.finish()
            var file = DataFile(
                filePath: path, partition: dataFile.partition, recordCount: footer.numRows,
                fileSizeInBytes: Int64(writer.bytesWritten))
            file.content = .positionDeletes
            file.referencedDataFile = dataFile.filePath
            metrics.apply(footer, parquetSchema: parquetSchema, nanCounts: [:], to: &file)
            return file
        } catch {
            (output as? FileSink)?.abort()
            await (output as? RemoteOutputFile)?.abort()
            try? await io.delete([path])
            throw error
        }
    }
}

/// Writes deletion vectors (format v3 merge-on-read): one `deletion-vector-v1` blob per data
/// file, all of one commit in one Puffin file under the table's data folder (as Java's
/// `BaseDVFileWriter` does), each described as a position-delete entry with its
/// `referenced_data_file`, `content_offset` and `content_size_in_bytes`.
public struct DeletionVectorWriter: Sendable {
    private let io: FileIO
    private let location: String
    private var puffin = PuffinWriter()
    private var pending: [(dataFile: DataFile, offset: Int64, length: Int64, cardinality: Int64)] = []

    /// A writer for the table's data location.
    public init(metadata: TableMetadata, io: FileIO) throws {
        self.io = io
        location = try TableWriter.dataLocation(metadata)
    }

    /// Adds the vector of `positions` (ascending, distinct) of `dataFile`.
    public mutating func add(_ positions: [Int64], of dataFile: DataFile) throws {
        let blob = try DeletionVector.serialize(positions: positions)
        let metadata = puffin.add(
            blob, type: DeletionVector.blobType, fields: [MetadataColumns.filePosition.id],
            properties: ["referenced-data-file": dataFile.filePath, "cardinality": String(positions.count)])
        pending.append((dataFile, metadata.offset, metadata.length, Int64(positions.count)))
    }

    /// Writes the Puffin file (nothing when no vector was added) and describes each vector.
    public func finish() async throws -> [DataFile] {
        guard !pending.isEmpty else { return [] }
        let bytes = puffin.finish(properties: ["created-by": "swift-iceberg 0.1.0"])
        let path = "\(location)/\(RandomUUID.make())-deletes.puffin"
        try await io.write(path, bytes)
        return pending.map { p in
            var file = DataFile(
                filePath: path, partition: p.dataFile.partition, recordCount: p.cardinality,
                fileSizeInBytes: Int64(bytes.count))
            file.content = .positionDeletes
            file.fileFormat = "PUFFIN"
            file.referencedDataFile = p.dataFile.filePath
            file.contentOffset = p.offset
            file.contentSizeInBytes = p.length
            return file
        }
    }
}
