import Parquet

/// Writes position-delete files (format v2 merge-on-read): one Parquet file per data file,
/// rows `(file_path, pos)` sorted by position, with full metrics on both columns (Java's
/// `MetricsConfig.forPositionDelete`) and `referenced_data_file` set, next to the data file.
struct PositionDeleteWriter {
    private let io: FileIO
    private let options: ParquetWriterOptions
    private let schema: Schema
    private let parquetSchema: ParquetSchema
    private let metrics: FileMetrics

    /// A writer for the table's `write.parquet.*` settings.
    init(metadata: TableMetadata, io: FileIO) throws {
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
    func write(_ positions: [Int64], of dataFile: DataFile) async throws -> DataFile {
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
