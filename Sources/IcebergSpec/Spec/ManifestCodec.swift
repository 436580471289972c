import Avro
import JSONSupport

/// Writes and reads manifests and manifest lists as Avro files with the spec's schemas.
public enum ManifestCodec {
    static func idAttr(_ id: Int) -> AvroAttributes { AvroAttributes([("field-id", .int(Int64(id)))]) }

    static func intMap(_ name: String, _ id: Int, _ keyId: Int, _ valueId: Int, value: AvroSchema) -> AvroField {
        AvroField(
            name: name,
            type: .optional(
                .array(
                    items: .record(
                        AvroRecord(
                            name: "k\(keyId)_v\(valueId)",
                            fields: [
                                AvroField(name: "key", type: .of(.int), attributes: idAttr(keyId)),
                                AvroField(name: "value", type: value, attributes: idAttr(valueId)),
                            ])), attributes: AvroAttributes([("logicalType", .string("map"))]))), defaultValue: .null,
            attributes: idAttr(id))
    }

    /// The `manifest_entry` schema for a partition type and format version.
    public static func entrySchema(partitionType: StructType, formatVersion: Int) -> AvroSchema {
        var dataFields: [AvroField] = []
        if formatVersion >= 2 {
            dataFields.append(AvroField(name: "content", type: .of(.int), attributes: idAttr(134)))
        }
        dataFields += [
            AvroField(name: "file_path", type: .of(.string), attributes: idAttr(100)),
            AvroField(name: "file_format", type: .of(.string), attributes: idAttr(101)),
            AvroField(
                name: "partition", type: IcebergAvro.schema(.struct(partitionType), recordName: "r102"),
                attributes: idAttr(102)),
            AvroField(name: "record_count", type: .of(.long), attributes: idAttr(103)),
            AvroField(name: "file_size_in_bytes", type: .of(.long), attributes: idAttr(104)),
        ]
        if formatVersion == 1 {
            dataFields.append(AvroField(name: "block_size_in_bytes", type: .of(.long), attributes: idAttr(105)))
        }
        dataFields += [
            intMap("column_sizes", 108, 117, 118, value: .of(.long)),
            intMap("value_counts", 109, 119, 120, value: .of(.long)),
            intMap("null_value_counts", 110, 121, 122, value: .of(.long)),
            intMap("nan_value_counts", 137, 138, 139, value: .of(.long)),
            intMap("lower_bounds", 125, 126, 127, value: .of(.bytes)),
            intMap("upper_bounds", 128, 129, 130, value: .of(.bytes)),
            AvroField(name: "key_metadata", type: .optional(.of(.bytes)), defaultValue: .null, attributes: idAttr(131)),
            AvroField(
                name: "split_offsets",
                type: .optional(.array(items: .of(.long), attributes: AvroAttributes([("element-id", .int(133))]))),
                defaultValue: .null, attributes: idAttr(132)),
        ]
        if formatVersion >= 2 {
            dataFields.append(
                AvroField(
                    name: "equality_ids",
                    type: .optional(.array(items: .of(.int), attributes: AvroAttributes([("element-id", .int(136))]))),
                    defaultValue: .null, attributes: idAttr(135)))
        }
        dataFields.append(
            AvroField(name: "sort_order_id", type: .optional(.of(.int)), defaultValue: .null, attributes: idAttr(140)))
        if formatVersion >= 3 {
            dataFields.append(
                AvroField(
                    name: "first_row_id", type: .optional(.of(.long)), defaultValue: .null, attributes: idAttr(142)))
        }
        if formatVersion >= 2 {
            dataFields.append(
                AvroField(
                    name: "referenced_data_file", type: .optional(.of(.string)), defaultValue: .null,
                    attributes: idAttr(143)))
        }
        if formatVersion >= 3 {
            dataFields.append(
                AvroField(
                    name: "content_offset", type: .optional(.of(.long)), defaultValue: .null, attributes: idAttr(144)))
            dataFields.append(
                AvroField(
                    name: "content_size_in_bytes", type: .optional(.of(.long)), defaultValue: .null,
                    attributes: idAttr(145)))
        }
        var fields = [AvroField(name: "status", type: .of(.int), attributes: idAttr(0))]
        if formatVersion == 1 {
            fields.append(AvroField(name: "snapshot_id", type: .of(.long), attributes: idAttr(1)))
        } else {
            fields.append(
                AvroField(name: "snapshot_id", type: .optional(.of(.long)), defaultValue: .null, attributes: idAttr(1)))
            fields.append(
                AvroField(
                    name: "sequence_number", type: .optional(.of(.long)), defaultValue: .null, attributes: idAttr(3)))
            fields.append(
                AvroField(
                    name: "file_sequence_number", type: .optional(.of(.long)), defaultValue: .null,
                    attributes: idAttr(4)))
        }
        fields.append(
            AvroField(
                name: "data_file", type: .record(AvroRecord(name: "r2", fields: dataFields)), attributes: idAttr(2)))
        return .record(AvroRecord(name: "manifest_entry", fields: fields))
    }

    static func opt(_ v: AvroValue) -> AvroValue { v }

    /// Writes a manifest and returns its bytes.
    public static func writeManifest(
        _ entries: [ManifestEntry], spec: PartitionSpec, schema: Schema, formatVersion: Int,
        content: FileContent = .data
    ) throws -> [UInt8] {
        let partitionType = try spec.partitionType(schema)
        let avro = entrySchema(partitionType: partitionType, formatVersion: formatVersion)
        var meta: [(String, String)] = [
            ("schema", schema.json.serialized()), ("schema-id", String(schema.schemaId)),
            ("partition-spec", spec.fieldsJSON.serialized()), ("partition-spec-id", String(spec.specId)),
            ("format-version", String(formatVersion)),
        ]
        if formatVersion >= 2 { meta.append(("content", content == .data ? "data" : "deletes")) }
        var writer = try AvroFileWriter(schema: avro, codec: .deflate, metadata: meta)
        for e in entries {
            let f = e.dataFile
            func counts(_ m: [Int: Int64]) -> AvroValue {
                m.isEmpty ? .null : .array(m.keys.sorted().map { .record([.int(Int32($0)), .long(m[$0]!)]) })
            }
            func bounds(_ m: [Int: [UInt8]]) -> AvroValue {
                m.isEmpty ? .null : .array(m.keys.sorted().map { .record([.int(Int32($0)), .bytes(m[$0]!)]) })
            }
            let partition: [AvroValue] = zip(partitionType.fields, f.partition).map { IcebergAvro.value($1, $0.type) }
            var df: [AvroValue] = []
            if formatVersion >= 2 { df.append(.int(f.content.rawValue)) }
            df += [
                .string(f.filePath), .string(f.fileFormat), .record(partition), .long(f.recordCount),
                .long(f.fileSizeInBytes),
            ]
            if formatVersion == 1 { df.append(.long(64 << 20)) }
            df += [
                counts(f.columnSizes), counts(f.valueCounts), counts(f.nullValueCounts), counts(f.nanValueCounts),
                bounds(f.lowerBounds), bounds(f.upperBounds), f.keyMetadata.map { .bytes($0) } ?? .null,
                f.splitOffsets.map { .array($0.map { .long($0) }) } ?? .null,
            ]
            if formatVersion >= 2 { df.append(f.equalityIds.map { .array($0.map { .int(Int32($0)) }) } ?? .null) }
            df.append(f.sortOrderId.map { .int(Int32($0)) } ?? .null)
            if formatVersion >= 3 { df.append(f.firstRowId.map { .long($0) } ?? .null) }
            if formatVersion >= 2 { df.append(f.referencedDataFile.map { .string($0) } ?? .null) }
            if formatVersion >= 3 {
                df.append(f.contentOffset.map { .long($0) } ?? .null)
                df.append(f.contentSizeInBytes.map { .long($0) } ?? .null)
            }
            var record: [AvroValue] = [.int(e.status.rawValue)]
            if formatVersion == 1 {
                record.append(.long(e.snapshotId ?? 0))
            } else {
                record += [
                    e.snapshotId.map { .long($0) } ?? .null, e.sequenceNumber.map { .long($0) } ?? .null,
                    e.fileSequenceNumber.map { .long($0) } ?? .null,
                ]
            }
            record.append(.record(df))
            try writer.append(.record(record))
        }
        return try writer.finish()
    }

    /// Reads a manifest. Sequence numbers and snapshot ids are inherited from `manifest`
    /// (its list entry) for added entries that leave them null.
    public static func readManifest(_ bytes: [UInt8], manifest: ManifestFile?, schema: Schema, spec: PartitionSpec?)
        throws -> [ManifestEntry]
    {
        let reader = try AvroFileReader(bytes: bytes)
        let partitionSpec: PartitionSpec
        if let spec {
            partitionSpec = spec
        } else if let text = reader.metadataString("partition-spec") {
            partitionSpec = try PartitionSpec(json: try JSONValue.parse(text))
        } else {
            partitionSpec = .unpartitioned
        }
        let tableSchema = (try? reader.metadataString("schema").map { try Schema(jsonText: $0) }) ?? schema
        let partitionType = (try? partitionSpec.partitionType(tableSchema)) ?? StructType([])
        var out: [ManifestEntry] = []
        let entries = try ManifestEntryReader(schema: reader.schema, partitionType: partitionType)
        var nextFirstRowId = manifest?.firstRowId
        try reader.forEachRecord { r in
            var e = try entries.read(&r)
            if let manifest {
                assignFirstRowId(&e.dataFile, status: e.status, manifest: manifest, next: &nextFirstRowId)
                if e.snapshotId == nil { e.snapshotId = manifest.addedSnapshotId }
                if e.status == .added {
                    if e.sequenceNumber == nil { e.sequenceNumber = manifest.sequenceNumber }
                    if e.fileSequenceNumber == nil { e.fileSequenceNumber = manifest.sequenceNumber }
                }
            }
            out.append(e)
        }
        return out
    }

    /// v3 row lineage, as Java assigns it: a live data file without a first row id takes the
    /// manifest's plus the rows of the earlier live files that had none; in a listed manifest
    /// without a first row id (written before an upgrade to v3) there are none.
    private static func assignFirstRowId(
        _ file: inout DataFile, status: EntryStatus, manifest: ManifestFile, next: inout Int64?
    ) {
        if let first = next {
            if file.content == .data, file.firstRowId == nil, status != .deleted {
                file.firstRowId = first
                next = first + file.recordCount
            }
        } else if manifest.firstRowId == nil {
            file.firstRowId = nil
        }
    }

    /// The `manifest_file` schema of manifest lists.
    public static func manifestListSchema(formatVersion: Int) -> AvroSchema {
        let summary = AvroSchema.record(
            AvroRecord(
                name: "r508",
                fields: [
                    AvroField(name: "contains_null", type: .of(.boolean), attributes: idAttr(509)),
                    AvroField(
                        name: "contains_nan", type: .optional(.of(.boolean)), defaultValue: .null,
                        attributes: idAttr(518)),
                    AvroField(
                        name: "lower_bound", type: .optional(.of(.bytes)), defaultValue: .null, attributes: idAttr(510)),
                    AvroField(
                        name: "upper_bound", type: .optional(.of(.bytes)), defaultValue: .null, attributes: idAttr(511)),
                ]))
        func count(_ name: String, _ id: Int, _ p: AvroPrimitive) -> AvroField {
            formatVersion == 1
                ? AvroField(name: name, type: .optional(.of(p)), defaultValue: .null, attributes: idAttr(id))
                : AvroField(name: name, type: .of(p), attributes: idAttr(id))
        }
        var fields = [
            AvroField(name: "manifest_path", type: .of(.string), attributes: idAttr(500)),
            AvroField(name: "manifest_length", type: .of(.long), attributes: idAttr(501)),
            AvroField(name: "partition_spec_id", type: .of(.int), attributes: idAttr(502)),
        ]
        if formatVersion >= 2 {
            fields += [
                AvroField(name: "content", type: .of(.int), attributes: idAttr(517)),
                AvroField(name: "sequence_number", type: .of(.long), attributes: idAttr(515)),
                AvroField(name: "min_sequence_number", type: .of(.long), attributes: idAttr(516)),
            ]
        }
        fields += [
            AvroField(name: "added_snapshot_id", type: .of(.long), attributes: idAttr(503)),
            count("added_files_count", 504, .int), count("existing_files_count", 505, .int),
            count("deleted_files_count", 506, .int),
            count("added_rows_count", 512, .long), count("existing_rows_count", 513, .long),
            count("deleted_rows_count", 514, .long),
            AvroField(
                name: "partitions",
                type: .optional(.array(items: summary, attributes: AvroAttributes([("element-id", .int(508))]))),
                defaultValue: .null, attributes: idAttr(507)),
            AvroField(name: "key_metadata", type: .optional(.of(.bytes)), defaultValue: .null, attributes: idAttr(519)),
        ]
        if formatVersion >= 3 {
            fields.append(
                AvroField(
                    name: "first_row_id", type: .optional(.of(.long)), defaultValue: .null, attributes: idAttr(520)))
        }
        return .record(AvroRecord(name: "manifest_file", fields: fields))
    }

    /// Writes a manifest list.
    public static func writeManifestList(
        _ manifests: [ManifestFile], snapshotId: Int64, parentSnapshotId: Int64?,
        sequenceNumber: Int64, formatVersion: Int
    ) throws -> [UInt8] {
        var meta: [(String, String)] = [
            ("snapshot-id", String(snapshotId)), ("parent-snapshot-id", parentSnapshotId.map(String.init) ?? "null"),
            ("format-version", String(formatVersion)),
        ]
        if formatVersion >= 2 { meta.append(("sequence-number", String(sequenceNumber))) }
        var writer = try AvroFileWriter(
            schema: manifestListSchema(formatVersion: formatVersion), codec: .deflate, metadata: meta)
        for m in manifests {
            var r: [AvroValue] = [.string(m.path), .long(m.length), .int(Int32(m.partitionSpecId))]
            if formatVersion >= 2 {
                r += [.int(m.content.rawValue), .long(m.sequenceNumber), .long(m.minSequenceNumber)]
            }
            r += [
                .long(m.addedSnapshotId), .int(m.addedFilesCount), .int(m.existingFilesCount),
                .int(m.deletedFilesCount),
                .long(m.addedRowsCount), .long(m.existingRowsCount), .long(m.deletedRowsCount),
            ]
            r.append(
                m.partitions.map { ps in
                    .array(
                        ps.map { s in
                            .record([
                                .boolean(s.containsNull), s.containsNaN.map { .boolean($0) } ?? .null,
                                s.lowerBound.map { .bytes($0) } ?? .null, s.upperBound.map { .bytes($0) } ?? .null,
                            ])
                        })
                } ?? .null)
            r.append(m.keyMetadata.map { .bytes($0) } ?? .null)
            if formatVersion >= 3 { r.append(m.firstRowId.map { .long($0) } ?? .null) }
            try writer.append(.record(r))
        }
        return try writer.finish()
    }

    /// A `content` field: absent is data; a value no content type has is an error, not data.
    static func content(_ value: Int64?, of what: String) throws -> FileContent {
        guard let value else { return .data }
        guard let content = Int32(exactly: value).flatMap(FileContent.init) else {
            throw IcebergError.invalidJSON("\(what) has content \(value), which is no content type")
        }
        return content
    }

    /// A manifest list's file count (an Avro `int`; a `long` beyond it is an error).
    private static func fileCount(_ value: Int64?, _ kind: String, _ path: String) throws -> Int32 {
        guard let count = Int32(exactly: value ?? 0) else {
            throw IcebergError.invalidJSON("manifest \(path) has \(value ?? 0) \(kind) files")
        }
        return count
    }

    /// Reads a manifest list (v1 values default as the spec says: sequence numbers 0).
    public static func readManifestList(_ bytes: [UInt8]) throws -> [ManifestFile] {
        let reader = try AvroFileReader(bytes: bytes)
        let positions = AvroFieldPositions()
        return try reader.records().map { value in
            guard let r = AvroRecordView(reader.schema, value, positions: positions),
                let path = r.string(500, "manifest_path"),
                let length = r.long(501, "manifest_length"), let spec = r.long(502, "partition_spec_id"),
                let added = r.long(503, "added_snapshot_id")
            else {
                throw IcebergError.invalidJSON("manifest list entry misses a required field")
            }
            var partitions: [FieldSummary]? = nil
            if let (v, _) = r.field(507, "partitions"), case .array(let items) = v.unwrapped {
                let summarySchema: AvroSchema = {
                    if case .union(let b) = r.field(507, "partitions")!.1, case .array(let s, _)? = b.last { return s }
                    if case .array(let s, _) = r.field(507, "partitions")!.1 { return s }
                    return .of(.null)
                }()
                partitions = items.compactMap { item in
                    guard let s = AvroRecordView(summarySchema, item, positions: positions) else { return nil }
                    return FieldSummary(
                        containsNull: s.bool(509, "contains_null") ?? true, containsNaN: s.bool(518, "contains_nan"),
                        lowerBound: s.bytes(510, "lower_bound"), upperBound: s.bytes(511, "upper_bound"))
                }
            }
            var manifest = ManifestFile(
                path: path, length: length, partitionSpecId: Int(spec),
                content: try content(r.long(517, "content"), of: "manifest \(path)"),
                sequenceNumber: r.long(515, "sequence_number") ?? 0,
                minSequenceNumber: r.long(516, "min_sequence_number") ?? 0,
                addedSnapshotId: added,
                addedFilesCount: try fileCount(
                    r.long(504, "added_files_count") ?? r.long(504, "added_data_files_count"), "added", path),
                existingFilesCount: try fileCount(r.long(505, "existing_files_count"), "existing", path),
                deletedFilesCount: try fileCount(r.long(506, "deleted_files_count"), "deleted", path),
                addedRowsCount: r.long(512, "added_rows_count") ?? 0,
                existingRowsCount: r.long(513, "existing_rows_count") ?? 0,
                deletedRowsCount: r.long(514, "deleted_rows_count") ?? 0, partitions: partitions,
                keyMetadata: r.bytes(519, "key_metadata"))
            manifest.firstRowId = r.long(520, "first_row_id")
            return manifest
        }
    }
}
