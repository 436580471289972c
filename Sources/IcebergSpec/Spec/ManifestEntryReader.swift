import Avro

/// Reads manifest entries straight from Avro binary. The writer's `manifest_entry` schema is
/// resolved once (fields by Iceberg field id, then by name, as every reader of manifests
/// does); each record is then read field by field into a `ManifestEntry`, without building
/// generic Avro values. Fields the SDK does not know are skipped; a known field written with
/// an unexpected type reads as absent.
struct ManifestEntryReader {
    private enum EntryField { case status, snapshotId, sequenceNumber, fileSequenceNumber, dataFile, other }

    private enum FileField {
        case content, filePath, fileFormat, partition, recordCount, fileSize
        case columnSizes, valueCounts, nullValueCounts, nanValueCounts, lowerBounds, upperBounds
        case keyMetadata, splitOffsets, equalityIds, sortOrderId, firstRowId, referencedDataFile
        case contentOffset, contentSize, other
    }

    private let entryFields: [(field: EntryField, schema: AvroSchema)]
    /// The `data_file` field's schema (a record, or a union holding one).
    private let fileFields: [(field: FileField, schema: AvroSchema)]
    /// For each field of the writer's partition record: its position in `partitionType`.
    private let partitionFields: [(index: Int?, schema: AvroSchema)]
    private let partitionType: StructType

    /// Resolves the writer's schema of a manifest's entries against the fields the SDK reads.
    init(schema: AvroSchema, partitionType: StructType) throws {
        guard case .record(let entry) = schema else {
            throw IcebergError.invalidJSON("manifest entries are not Avro records")
        }
        self.partitionType = partitionType
        let entryIds: [Int: EntryField] = [
            0: .status, 1: .snapshotId, 3: .sequenceNumber, 4: .fileSequenceNumber, 2: .dataFile,
        ]
        let entryNames: [String: EntryField] = [
            "status": .status, "snapshot_id": .snapshotId, "sequence_number": .sequenceNumber,
            "file_sequence_number": .fileSequenceNumber, "data_file": .dataFile,
        ]
        entryFields = Self.resolve(entry, ids: entryIds, names: entryNames, other: .other)
        guard let dataFile = entryFields.first(where: { $0.field == .dataFile }),
            let file = Self.record(in: dataFile.schema)
        else {
            throw IcebergError.invalidJSON("manifest entry without data_file")
        }
        let fileIds: [Int: FileField] = [
            134: .content, 100: .filePath, 101: .fileFormat, 102: .partition, 103: .recordCount, 104: .fileSize,
            108: .columnSizes, 109: .valueCounts, 110: .nullValueCounts, 137: .nanValueCounts, 125: .lowerBounds,
            128: .upperBounds, 131: .keyMetadata, 132: .splitOffsets, 135: .equalityIds, 140: .sortOrderId,
            142: .firstRowId, 143: .referencedDataFile, 144: .contentOffset, 145: .contentSize,
        ]
        let fileNames: [String: FileField] = [
            "content": .content, "file_path": .filePath, "file_format": .fileFormat, "partition": .partition,
            "record_count": .recordCount, "file_size_in_bytes": .fileSize, "column_sizes": .columnSizes,
            "value_counts": .valueCounts, "null_value_counts": .nullValueCounts, "nan_value_counts": .nanValueCounts,
            "lower_bounds": .lowerBounds, "upper_bounds": .upperBounds, "key_metadata": .keyMetadata,
            "split_offsets": .splitOffsets, "equality_ids": .equalityIds, "sort_order_id": .sortOrderId,
            "first_row_id": .firstRowId, "referenced_data_file": .referencedDataFile,
            "content_offset": .contentOffset, "content_size_in_bytes": .contentSize,
        ]
        fileFields = Self.resolve(file, ids: fileIds, names: fileNames, other: .other)
        var partitionFields: [(index: Int?, schema: AvroSchema)] = []
        if let partition = fileFields.first(where: { $0.field == .partition }),
            let p = Self.record(in: partition.schema)
        {
            var index: [Int: Int] = [:]
            for (k, f) in partitionType.fields.enumerated() {
                if let i = p.fields.firstIndex(where: { $0.fieldId == f.id })
                    ?? p.fields.firstIndex(where: { $0.name == f.name })
                {
                    index[i] = index[i] ?? k
                }
            }
            partitionFields = p.fields.enumerated().map { (index[$0.offset], $0.element.type) }
        }
        self.partitionFields = partitionFields
    }

    /// Each field of a record with the slot it fills: by field id, then by name; a slot is
    /// filled by its first field only.
    private static func resolve<Field: Hashable>(
        _ record: AvroRecord, ids: [Int: Field], names: [String: Field], other: Field
    ) -> [(field: Field, schema: AvroSchema)] {
        var taken: Set<Field> = []
        let byId = record.fields.map { f in f.fieldId.flatMap { ids[$0] } }
        // A field with a known id claims its slot before any field matched only by name.
        for case let field? in byId { taken.insert(field) }
        var claimed: Set<Field> = []
        return record.fields.enumerated().map { i, f in
            var field = byId[i] ?? names[f.name].flatMap { taken.contains($0) ? nil : $0 } ?? other
            if field != other, !claimed.insert(field).inserted { field = other }
            return (field, f.type)
        }
    }

    /// The record a schema holds (itself, or a union's record branch).
    private static func record(in schema: AvroSchema) -> AvroRecord? {
        switch schema {
        case .record(let r): return r
        case .union(let branches):
            for b in branches { if case .record(let r) = b { return r } }
            return nil
        default: return nil
        }
    }

    /// Reads one entry.
    func read(_ r: inout AvroReader) throws -> ManifestEntry {
        var status: Int64?
        var snapshotId: Int64?
        var sequenceNumber: Int64?
        var fileSequenceNumber: Int64?
        var file: DataFile?
        for (field, schema) in entryFields {
            switch field {
            case .status: status = try r.integer(schema)
            case .snapshotId: snapshotId = try r.integer(schema)
            case .sequenceNumber: sequenceNumber = try r.integer(schema)
            case .fileSequenceNumber: fileSequenceNumber = try r.integer(schema)
            case .dataFile:
                guard let branch = try r.present(schema) else { break }
                file = try dataFile(&r, branch)
            case .other: try r.skip(schema)
            }
        }
        guard let file else { throw IcebergError.invalidJSON("manifest entry without data_file") }
        guard let code = status.flatMap({ Int32(exactly: $0) }), let entryStatus = EntryStatus(rawValue: code) else {
            throw IcebergError.invalidJSON(
                "manifest entry misses status, file_path, record_count or file_size_in_bytes")
        }
        return ManifestEntry(
            status: entryStatus, snapshotId: snapshotId, sequenceNumber: sequenceNumber,
            fileSequenceNumber: fileSequenceNumber, dataFile: file)
    }

    private func dataFile(_ r: inout AvroReader, _ schema: AvroSchema) throws -> DataFile {
        guard case .record = schema else {
            try r.skip(schema)
            throw IcebergError.invalidJSON("manifest entry without data_file")
        }
        var path: String?
        var count: Int64?
        var size: Int64?
        var content: Int64?
        var file = DataFile(filePath: "", partition: [], recordCount: 0, fileSizeInBytes: 0)
        var format: String?
        for (field, schema) in fileFields {
            switch field {
            case .content: content = try r.integer(schema)
            case .filePath: path = try r.text(schema)
            case .fileFormat: format = try r.text(schema)
            case .partition: file.partition = try partition(&r, schema)
            case .recordCount: count = try r.integer(schema)
            case .fileSize: size = try r.integer(schema)
            case .columnSizes: file.columnSizes = try r.intKeyed(schema) { try $0.integer($1) }
            case .valueCounts: file.valueCounts = try r.intKeyed(schema) { try $0.integer($1) }
            case .nullValueCounts: file.nullValueCounts = try r.intKeyed(schema) { try $0.integer($1) }
            case .nanValueCounts: file.nanValueCounts = try r.intKeyed(schema) { try $0.integer($1) }
            case .lowerBounds: file.lowerBounds = try r.intKeyed(schema) { try $0.binary($1) }
            case .upperBounds: file.upperBounds = try r.intKeyed(schema) { try $0.binary($1) }
            case .keyMetadata: file.keyMetadata = try r.binary(schema)
            case .splitOffsets: file.splitOffsets = try r.list(schema) { try $0.integer($1) }
            case .equalityIds: file.equalityIds = try r.list(schema) { try $0.integer($1).map(Int.init) }
            case .sortOrderId: file.sortOrderId = try r.integer(schema).map(Int.init)
            case .firstRowId: file.firstRowId = try r.integer(schema)
            case .referencedDataFile: file.referencedDataFile = try r.text(schema)
            case .contentOffset: file.contentOffset = try r.integer(schema)
            case .contentSize: file.contentSizeInBytes = try r.integer(schema)
            case .other: try r.skip(schema)
            }
        }
        guard let path, let count, let size else {
            throw IcebergError.invalidJSON(
                "manifest entry misses status, file_path, record_count or file_size_in_bytes")
        }
        file.filePath = path
        file.recordCount = count
        file.fileSizeInBytes = size
        file.fileFormat = format ?? "PARQUET"
        file.content = try ManifestCodec.content(content, of: "data file \(path)")
        return file
    }

    /// The partition tuple in `partitionType`'s order (nil where the writer has no field).
    private func partition(_ r: inout AvroReader, _ schema: AvroSchema) throws -> [Literal?] {
        var values = [Literal?](repeating: nil, count: partitionType.fields.count)
        guard let branch = try r.present(schema) else { return [] }
        guard case .record = branch else {
            try r.skip(branch)
            return []
        }
        for (index, fieldSchema) in partitionFields {
            guard let index else {
                try r.skip(fieldSchema)
                continue
            }
            values[index] = IcebergAvro.literal(
                try AvroBinary.decode(fieldSchema, from: &r), partitionType.fields[index].type)
        }
        return values
    }
}

extension AvroReader {
    /// The branch a value takes: the schema itself, a union's branch (read here), or nil for null.
    fileprivate mutating func present(_ schema: AvroSchema) throws -> AvroSchema? {
        switch schema {
        case .primitive(.null, _): return nil
        case .union(let branches):
            let i = try long()
            guard i >= 0, i < branches.count else {
                throw AvroError.malformedData("union branch \(i) out of range at \(position)")
            }
            return try present(branches[Int(i)])
        default: return schema
        }
    }

    /// An `int` or `long` value (nil for null or another type, which is skipped).
    fileprivate mutating func integer(_ schema: AvroSchema) throws -> Int64? {
        guard let branch = try present(schema) else { return nil }
        if case .primitive(let p, _) = branch, p == .int || p == .long {
            let v = try long()
            guard p == .long || Int32(exactly: v) != nil else {
                throw AvroError.malformedData("int out of range at \(position)")
            }
            return v
        }
        try skip(branch)
        return nil
    }

    /// A `string` value (nil for null or another type, which is skipped).
    fileprivate mutating func text(_ schema: AvroSchema) throws -> String? {
        guard let branch = try present(schema) else { return nil }
        if case .primitive(.string, _) = branch { return try string() }
        try skip(branch)
        return nil
    }

    /// A `bytes` or `fixed` value (nil for null or another type, which is skipped).
    fileprivate mutating func binary(_ schema: AvroSchema) throws -> [UInt8]? {
        guard let branch = try present(schema) else { return nil }
        switch branch {
        case .primitive(.bytes, _): return try lengthPrefixed()
        case .fixed(_, _, let size, _): return try bytes(size)
        default:
            try skip(branch)
            return nil
        }
    }

    /// An array's items that `item` reads (nil for null or another type, which is skipped).
    fileprivate mutating func list<T>(_ schema: AvroSchema, _ item: (inout AvroReader, AvroSchema) throws -> T?)
        throws -> [T]?
    {
        guard let branch = try present(schema) else { return nil }
        guard case .array(let items, _) = branch else {
            try skip(branch)
            return nil
        }
        var out: [T] = []
        try blocks { reader in if let v = try item(&reader, items) { out.append(v) } }
        return out
    }

    /// Iceberg's `map<int, X>`: an array of key/value records (or an Avro map whose keys are
    /// numbers); pairs whose key or value does not read are left out, as is a null map.
    fileprivate mutating func intKeyed<T>(_ schema: AvroSchema, _ value: (inout AvroReader, AvroSchema) throws -> T?)
        throws -> [Int: T]
    {
        guard let branch = try present(schema) else { return [:] }
        var out: [Int: T] = [:]
        switch branch {
        case .array(.record(let pair), _) where pair.fields.count == 2:
            let (keySchema, valueSchema) = (pair.fields[0].type, pair.fields[1].type)
            try blocks { reader in
                let key = try reader.integer(keySchema)
                if let v = try value(&reader, valueSchema), let key, let k = Int(exactly: key) { out[k] = v }
            }
        case .map(let valueSchema, _):
            try blocks { reader in
                let key = Int(try reader.string())
                if let v = try value(&reader, valueSchema), let key { out[key] = v }
            }
        default:
            try skip(branch)
        }
        return out
    }
}
