import ThriftCompact

/// A file's decoded and validated footer: its metadata and schema. Opening the same file
/// again with it (`ParquetReader(input:footer:)`) reads and decodes nothing; see
/// `ParquetFooterCache`.
public struct ParquetFooter: Sendable {
    /// The decoded footer.
    public let metadata: FileMetaData
    /// The schema tree and leaf columns.
    public let schema: ParquetSchema
    /// Bytes of the serialized footer (without its length and the magic).
    public let length: Int
    /// Size of the file it was read from.
    public let fileSize: Int
    /// Whether the writer is parquet-mr before 1.2.9 (or of no stated version), whose chunk
    /// sizes leave out the dictionary page header (PARQUET-816).
    let undercountsDictionaryHeaders: Bool

    init(metadata: FileMetaData, schema: ParquetSchema, length: Int, fileSize: Int) {
        self.metadata = metadata
        self.schema = schema
        self.length = length
        self.fileSize = fileSize
        undercountsDictionaryHeaders = Self.isParquetMRBefore129(metadata.createdBy)
    }

    /// Reads, decodes and validates the footer of an input (three reads: the leading magic,
    /// the footer's length and trailing magic, the footer).
    public init(reading input: RandomAccessInput) throws {
        let size = input.size
        guard size >= 12 else { throw ParquetError.malformedFile("file of \(size) bytes is too short to be Parquet") }
        let head = try input.read(offset: 0, count: 4)
        guard head == Array("PAR1".utf8) else {
            if head == Array("PARE".utf8) { throw ParquetError.unsupported("encrypted Parquet files") }
            throw ParquetError.malformedFile("missing leading magic 'PAR1'")
        }
        let tail = try input.read(offset: size - 8, count: 8)
        guard Array(tail[4..<8]) == Array("PAR1".utf8) else {
            if Array(tail[4..<8]) == Array("PARE".utf8) { throw ParquetError.unsupported("encrypted Parquet footers") }
            throw ParquetError.malformedFile("missing trailing magic 'PAR1' (truncated file?)")
        }
        let length = Int(UInt32(tail[0]) | UInt32(tail[1]) << 8 | UInt32(tail[2]) << 16 | UInt32(tail[3]) << 24)
        guard length > 0, length <= size - 12 else {
            throw ParquetError.malformedFile("footer length \(length) does not fit in a \(size)-byte file")
        }
        let bytes = try input.read(offset: size - 8 - length, count: length)
        let meta: FileMetaData
        do { meta = try FileMetaData(thrift: bytes) } catch { throw ParquetError.thrift(context: "footer", error) }
        self.init(metadata: meta, schema: try ParquetSchema(elements: meta.schema), length: length, fileSize: size)
        try validate()
    }

    /// Checks what readers rely on: chunk counts, row counts, chunk ranges inside the file,
    /// physical types as the schema says.
    private func validate() throws {
        guard metadata.numRows >= 0 else { throw ParquetError.malformedFile("negative row count \(metadata.numRows)") }
        for (g, group) in metadata.rowGroups.enumerated() {
            guard group.columns.count == schema.columns.count else {
                throw ParquetError.malformedFile(
                    "row group \(g) has \(group.columns.count) column chunks, schema has \(schema.columns.count) leaves"
                )
            }
            guard group.numRows >= 0 else { throw ParquetError.malformedFile("row group \(g) has negative row count") }
            // Chunks are looked at in place: a copy of one retains all its arrays.
            for c in group.columns.indices {
                guard group.columns[c].filePath == nil else {
                    throw ParquetError.unsupported("column chunks in external files (row group \(g), column \(c))")
                }
                guard let type = group.columns[c].metaData?.type,
                    let range = try group.columns[c].metaData.map({ m throws in try chunkRange(m) })
                else {
                    throw ParquetError.malformedFile("row group \(g) column \(c) has no metadata")
                }
                guard range.lowerBound >= 4, range.upperBound <= fileSize - 8 else {
                    throw ParquetError.malformedFile(
                        "row group \(g) column '\(schema.columns[c].path.joined(separator: "."))' spans bytes \(range), outside the file"
                    )
                }
                guard type == schema.columns[c].physicalType else {
                    throw ParquetError.malformedFile(
                        "row group \(g) column \(c) is \(type.name) but the schema says \(schema.columns[c].physicalType.name)"
                    )
                }
            }
        }
    }

    /// The bytes a column chunk spans. Files of parquet-mr before 1.2.9 leave the dictionary
    /// page header out of a chunk's size (PARQUET-816); their chunks get up to 100 more bytes,
    /// short of the footer, as Arrow reads them.
    func chunkRange(_ m: ColumnMetaData) throws -> Range<Int> {
        // The chunk starts at its dictionary page when it has one. A dictionary offset of 0 means
        // none (some writers put the dictionary at data_page_offset then); a chunk with no data
        // page (pyarrow's empty chunks) leaves data_page_offset 0.
        var start = m.dataPageOffset
        if let d = m.dictionaryPageOffset, d > 0, d < start || start < 4 { start = d }
        let length = m.totalCompressedSize
        guard start >= 0, length >= 0, start <= Int64.max - length else {
            throw ParquetError.malformedFile(
                "column '\(m.pathInSchema.joined(separator: "."))' has offset \(start) and size \(length)")
        }
        let dataEnd = Int64(fileSize - 8 - self.length)
        let padding = undercountsDictionaryHeaders && start + length < dataEnd ? min(100, dataEnd - start - length) : 0
        return Int(start)..<Int(start + length + padding)
    }

    /// Whether `created_by` names parquet-mr older than 1.2.9 (or of no stated version).
    static func isParquetMRBefore129(_ createdBy: String?) -> Bool {
        guard let createdBy, createdBy.hasPrefix("parquet-mr") else { return false }
        // "parquet-mr version 1.2.8 (build …)"
        let words = createdBy.split(separator: " ")
        guard words.count >= 3, words[0] == "parquet-mr", words[1] == "version" else {
            return createdBy == "parquet-mr"
        }
        let parts = words[2].prefix { $0.isNumber || $0 == "." }.split(separator: ".").map { Int($0) ?? 0 }
        return (parts + [0, 0, 0]).prefix(3).lexicographicallyPrecedes([1, 2, 9])
    }
}
