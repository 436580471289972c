import Parquet
import Puffin

/// The delete files a scan has read, each read once: position delete files (positions by data
/// file), deletion vectors (read straight from their Puffin blob) and equality delete keys.
struct DeleteFileCache {
    private var positionFiles: [String: [String: [Int64]]] = [:]
    /// Equality delete keys by scope and equality ids: every file of the scope read so far.
    private var equalityScopes: [EqualityScope: EqualityDeleteKeys] = [:]
    /// Equality delete files already read into their scope.
    private var equalityFilesRead: Set<String> = []

    /// Where equality deletes apply: one partition of a spec, or (unpartitioned spec) everywhere.
    private struct EqualityScope: Hashable {
        var specId: Int?
        var partition: [Literal?]
        var fieldIds: [Int]
    }

    /// The positions a position delete file deletes in one data file.
    mutating func positions(_ file: DataFile, for dataFile: String, io: FileIO) async throws -> [Int64] {
        guard file.fileFormat.uppercased() == "PARQUET" else {
            throw IcebergError.unsupported(
                "\(file.fileFormat) position delete file \(file.filePath) (only Parquet delete files are read)")
        }
        if positionFiles[file.filePath] == nil { positionFiles[file.filePath] = try await Self.readPositions(file, io) }
        return positionFiles[file.filePath]?[dataFile] ?? []
    }

    /// The positions a deletion vector deletes (its blob is located by the manifest entry's
    /// content offset and size, or else by the Puffin footer).
    func vector(_ file: DataFile, for dataFile: String, io: FileIO) async throws -> [Int64] {
        let input = try await io.input(file.filePath)
        func fail(_ detail: String) -> IcebergError {
            .invalidValue(row: nil, field: "deletion vector", detail: "\(file.filePath) for \(dataFile): \(detail)")
        }
        var offset = file.contentOffset
        var length = file.contentSizeInBytes
        let ranged = input as? RangedInputFile
        if offset == nil || length == nil {
            // Without the entry's offsets the footer says where the blob is: fetch the whole file
            // (the input goes when this returns).
            _ = try await ranged?.fetch([0..<input.size])
            let blob = try Self.footer(input, path: file.filePath).blobs.first {
                $0.type == DeletionVector.blobType && $0.properties["referenced-data-file"] == dataFile
            }
            guard let blob else { throw fail("the Puffin footer lists no deletion vector for the data file") }
            offset = blob.offset
            length = blob.length
        }
        guard let offset, let length, offset >= 0, length >= 0, offset <= Int64(input.size),
            length <= Int64(input.size) - offset
        else {
            throw fail("blob at \(offset ?? -1)+\(length ?? -1) lies outside the file of \(input.size) bytes")
        }
        let fetched = try await ranged?.fetch([Int(offset)..<Int(offset + length)])
        defer { if let ranged, let fetched { ranged.release(fetched) } }
        do {
            return try DeletionVector.positions(
                blob: try input.read(offset: Int(offset), count: Int(length)), expectedCardinality: file.recordCount)
        } catch let error as PuffinError {
            throw fail("\(error) (blob at offset \(offset))")
        }
    }

    /// The keys of the equality deletes that apply to a data file: one map per scope and list
    /// of equality ids, with each file of the scope read into it once (see `EqualityDeleteKeys`).
    mutating func equalityKeys(_ deletes: [DeleteIndex.Entry], scan: TableScan) async throws -> [EqualityDeleteKeys] {
        var scopes: [EqualityScope] = []
        for d in deletes {
            let ids = d.file.equalityIds ?? []
            let scope = EqualityScope(
                specId: d.global ? nil : d.specId, partition: d.global ? [] : d.file.partition, fieldIds: ids)
            if !equalityFilesRead.contains(d.file.filePath) {
                // Taken out of the dictionary so its buffers are uniquely referenced while they grow.
                var keys =
                    try equalityScopes.removeValue(forKey: scope)
                    ?? EqualityDeleteKeys(fieldIds: ids, schema: scan.schema)
                try await Self.readEqualityKeys(d.file, sequenceNumber: d.sequenceNumber, into: &keys, scan: scan)
                equalityScopes[scope] = keys
                equalityFilesRead.insert(d.file.filePath)
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes.compactMap { equalityScopes[$0] }.filter { !$0.isEmpty }
    }

    private static func readEqualityKeys(
        _ file: DataFile, sequenceNumber: Int64, into keys: inout EqualityDeleteKeys, scan: TableScan
    ) async throws {
        guard file.fileFormat.uppercased() == "PARQUET" else {
            throw IcebergError.unsupported(
                "\(file.fileFormat) equality delete file \(file.filePath) (only Parquet delete files are read)")
        }
        guard let ids = file.equalityIds, !ids.isEmpty else {
            throw IcebergError.invalidValue(
                row: nil, field: "equality_ids", detail: "equality delete file \(file.filePath) lists no equality ids")
        }
        guard ids.allSatisfy({ scan.schema.field(id: $0) != nil }) else {
            throw IcebergError.unsupported(
                "equality delete file \(file.filePath) keys on field ids \(ids), not all in the scanned schema")
        }
        let reader = try await DataFileReader.open(
            try await scan.io.input(file.filePath), schema: try scan.schema.keeping(Set(ids)))
        for g in 0..<reader.rowGroupCount {
            keys.insert(try await reader.readConcurrently(rowGroup: g), sequenceNumber: sequenceNumber)
        }
    }

    private static func footer(_ input: InputFile, path: String) throws -> PuffinFooter {
        do {
            guard input.size >= PuffinFooter.trailerLength + 4 else {
                throw PuffinError.malformedFile("\(input.size) bytes is too short for a Puffin file")
            }
            let trailer = try input.read(
                offset: input.size - PuffinFooter.trailerLength, count: PuffinFooter.trailerLength)
            let length = try PuffinFooter.footerLength(trailer: trailer)
            guard length <= input.size - 4 else { throw PuffinError.malformedFile("footer longer than the file") }
            return try PuffinFooter(
                footer: try input.read(offset: input.size - length, count: length), fileLength: input.size)
        } catch let error as PuffinError {
            throw IcebergError.invalidValue(row: nil, field: "Puffin footer", detail: "\(path): \(error)")
        }
    }

    /// The positions a position delete file deletes, by data file path.
    static func readPositions(_ file: DataFile, _ io: FileIO) async throws -> [String: [Int64]] {
        let schema = try Schema(fields: [
            .required(2_147_483_546, "file_path", .string), .required(2_147_483_545, "pos", .long),
        ])
        let reader = try await DataFileReader.open(try await io.input(file.filePath), schema: schema)
        var out: [String: [Int64]] = [:]
        for g in 0..<reader.rowGroupCount {
            let batch = try await reader.readConcurrently(rowGroup: g)
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
