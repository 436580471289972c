import JSONSupport
import ValueFormats

/// Data and delete files in the REST catalog spec's `ContentFile` JSON form, as Java's
/// `ContentFileParser` writes it: `spec-id`, `content` (`data`, `position-deletes`,
/// `equality-deletes`), `file-path`, `file-format` (lower case), `partition` (the values in
/// the spec's order, single-value JSON), sizes and counts, metrics maps as
/// `{"keys": […], "values": […]}` (bounds as upper-case hex), and the v2/v3 fields.
extension DataFile {
    /// The file as a `ContentFile` JSON object; `partitionType` types the partition tuple.
    public func contentFileJSON(specId: Int, partitionType: StructType) -> JSONValue {
        func counts(_ m: [Int: Int64]) -> JSONValue {
            let keys = m.keys.sorted()
            return .object([
                ("keys", .array(keys.map { .int(Int64($0)) })), ("values", .array(keys.map { .int(m[$0]!) })),
            ])
        }
        func bounds(_ m: [Int: [UInt8]]) -> JSONValue {
            let keys = m.keys.sorted()
            return .object([
                ("keys", .array(keys.map { .int(Int64($0)) })),
                ("values", .array(keys.map { .string(ByteText.hex(m[$0]!).uppercased()) })),
            ])
        }
        let kind: String
        switch content {
        case .data: kind = "data"
        case .positionDeletes: kind = "position-deletes"
        case .equalityDeletes: kind = "equality-deletes"
        }
        var pairs: [(String, JSONValue)] = [
            ("spec-id", .int(Int64(specId))), ("content", .string(kind)), ("file-path", .string(filePath)),
            ("file-format", .string(fileFormat.lowercased())),
            (
                "partition",
                .array(
                    zip(partitionType.fields, partition).map { f, v in v.map { $0.json(as: f.type) } ?? .null })
            ),
            ("file-size-in-bytes", .int(fileSizeInBytes)), ("record-count", .int(recordCount)),
        ]
        for (key, m) in [
            ("column-sizes", columnSizes), ("value-counts", valueCounts), ("null-value-counts", nullValueCounts),
            ("nan-value-counts", nanValueCounts),
        ] where !m.isEmpty {
            pairs.append((key, counts(m)))
        }
        if !lowerBounds.isEmpty { pairs.append(("lower-bounds", bounds(lowerBounds))) }
        if !upperBounds.isEmpty { pairs.append(("upper-bounds", bounds(upperBounds))) }
        if let keyMetadata { pairs.append(("key-metadata", .string(ByteText.hex(keyMetadata).uppercased()))) }
        if let splitOffsets { pairs.append(("split-offsets", .array(splitOffsets.map { .int($0) }))) }
        if let equalityIds { pairs.append(("equality-ids", .array(equalityIds.map { .int(Int64($0)) }))) }
        if let sortOrderId { pairs.append(("sort-order-id", .int(Int64(sortOrderId)))) }
        if let firstRowId { pairs.append(("first-row-id", .int(firstRowId))) }
        if let referencedDataFile { pairs.append(("referenced-data-file", .string(referencedDataFile))) }
        if let contentOffset { pairs.append(("content-offset", .int(contentOffset))) }
        if let contentSizeInBytes { pairs.append(("content-size-in-bytes", .int(contentSizeInBytes))) }
        return .object(pairs)
    }

    /// Reads a `ContentFile` JSON object; `partitionType` gives the partition type of the
    /// file's `spec-id` (nil: the spec is unknown, an error). Problems name the field.
    public init(contentFileJSON json: JSONValue, partitionType: (Int) -> StructType?) throws {
        func bad(_ field: String, _ detail: String) -> IcebergError {
            IcebergError.invalidJSON("content file \(json["file-path"]?.stringValue ?? "?"): \(field) \(detail)")
        }
        guard case .object = json else { throw IcebergError.invalidJSON("a content file must be a JSON object") }
        guard let path = json["file-path"]?.stringValue else { throw bad("file-path", "is missing") }
        guard let specId = json["spec-id"]?.intValue.flatMap({ Int(exactly: $0) }) else {
            throw bad("spec-id", "is missing")
        }
        guard let type = partitionType(specId) else { throw bad("spec-id", "\(specId) is not a spec of the table") }
        guard let size = json["file-size-in-bytes"]?.intValue, let count = json["record-count"]?.intValue else {
            throw bad("file-size-in-bytes or record-count", "is missing")
        }
        let values = json["partition"]?.arrayValue ?? []
        guard values.count == type.fields.count else {
            throw bad("partition", "has \(values.count) values for \(type.fields.count) partition fields")
        }
        var partition: [Literal?] = []
        for (f, v) in zip(type.fields, values) {
            do { partition.append(try Literal.from(json: v, type: f.type)) } catch {
                throw bad("partition", "value \(v.serialized()) is not a \(f.type) (\(f.name))")
            }
        }
        self.init(filePath: path, partition: partition, recordCount: count, fileSizeInBytes: size)
        switch json["content"]?.stringValue ?? "data" {
        case "data": content = .data
        case "position-deletes": content = .positionDeletes
        case "equality-deletes": content = .equalityDeletes
        case let other: throw bad("content", "'\(other)' is none of data, position-deletes, equality-deletes")
        }
        fileFormat = (json["file-format"]?.stringValue ?? "parquet").uppercased()
        func map<V>(_ key: String, _ value: (JSONValue) -> V?) throws -> [Int: V] {
            guard let m = json[key] else { return [:] }
            let keys = m["keys"]?.arrayValue ?? []
            let vals = m["values"]?.arrayValue ?? []
            guard keys.count == vals.count else { throw bad(key, "has \(keys.count) keys and \(vals.count) values") }
            var out: [Int: V] = [:]
            for (k, v) in zip(keys, vals) {
                guard let id = k.intValue.flatMap({ Int(exactly: $0) }), let value = value(v) else {
                    throw bad(key, "holds \(k.serialized()): \(v.serialized())")
                }
                out[id] = value
            }
            return out
        }
        columnSizes = try map("column-sizes") { $0.intValue }
        valueCounts = try map("value-counts") { $0.intValue }
        nullValueCounts = try map("null-value-counts") { $0.intValue }
        nanValueCounts = try map("nan-value-counts") { $0.intValue }
        lowerBounds = try map("lower-bounds") { $0.stringValue.flatMap(ByteText.parseHex) }
        upperBounds = try map("upper-bounds") { $0.stringValue.flatMap(ByteText.parseHex) }
        keyMetadata = json["key-metadata"]?.stringValue.flatMap(ByteText.parseHex)
        splitOffsets = json["split-offsets"]?.arrayValue?.compactMap(\.intValue)
        equalityIds = json["equality-ids"]?.arrayValue?.compactMap { $0.intValue.map(Int.init) }
        sortOrderId = json["sort-order-id"]?.intValue.map(Int.init)
        firstRowId = json["first-row-id"]?.intValue
        referencedDataFile = json["referenced-data-file"]?.stringValue
        contentOffset = json["content-offset"]?.intValue
        contentSizeInBytes = json["content-size-in-bytes"]?.intValue
    }
}
