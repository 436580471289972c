import Avro
import JSONSupport
import XCTest

@testable import IcebergSpec

/// Manifests whose `int` fields were written as `long`s beyond Int32 (or with a content code no
/// content type has): an error naming the field, never a trap or a delete file taken for data.
final class ManifestFieldRangeTests: XCTestCase {
    /// The Avro file with top-level `field` declared `long` and set to `value` in every record.
    func rewriting(_ file: [UInt8], field: String, to value: Int64) throws -> [UInt8] {
        let reader = try AvroFileReader(bytes: file)
        guard case .object(var pairs) = reader.schema.json, let f = pairs.firstIndex(where: { $0.0 == "fields" }),
            case .array(var fields) = pairs[f].1,
            let i = fields.firstIndex(where: { $0["name"]?.stringValue == field }),
            case .object(var declaration) = fields[i]
        else { throw XCTSkip("no top-level field \(field)") }
        declaration = declaration.map { $0.0 == "type" ? ("type", .string("long")) : $0 }
        fields[i] = .object(declaration)
        pairs[f].1 = .array(fields)
        let schema = try AvroSchema(jsonText: JSONValue.object(pairs).serialized())
        let metadata = reader.metadata.filter { !$0.key.hasPrefix("avro.") }.map {
            ($0.key, String(decoding: $0.value, as: UTF8.self))
        }
        var writer = try AvroFileWriter(schema: schema, codec: .null, metadata: metadata)
        for record in try reader.records() {
            guard case .record(var values) = record else { continue }
            values[i] = .long(value)
            try writer.append(.record(values))
        }
        return try writer.finish()
    }

    func testManifestListCountsAndContentOutOfRangeAreErrors() throws {
        let manifest = ManifestFile(
            path: "s3://b/m.avro", length: 100, partitionSpecId: 0, sequenceNumber: 1, minSequenceNumber: 1,
            addedSnapshotId: 7, addedFilesCount: 1, existingFilesCount: 0, deletedFilesCount: 0, addedRowsCount: 10,
            existingRowsCount: 0, deletedRowsCount: 0, partitions: nil, keyMetadata: nil)
        let list = try ManifestCodec.writeManifestList(
            [manifest], snapshotId: 7, parentSnapshotId: nil, sequenceNumber: 1, formatVersion: 2)
        XCTAssertEqual(try ManifestCodec.readManifestList(list).first?.addedFilesCount, 1)
        for (field, value, message) in [
            ("added_files_count", Int64(1) << 40, "1099511627776 added files"),
            ("deleted_files_count", Int64(Int32.min) - 1, "-2147483649 deleted files"),
            ("content", Int64(1) << 40, "content 1099511627776"),
            ("content", 7, "content 7, which is no content type"),
        ] {
            let bad = try rewriting(list, field: field, to: value)
            XCTAssertThrowsError(try ManifestCodec.readManifestList(bad), field) {
                XCTAssertTrue("\($0)".contains(message), "\($0)")
            }
        }
    }

    func testAnEntryStatusBeyondInt32IsAnError() throws {
        let schema = try Schema(fields: [.required(1, "id", .long)])
        let entry = ManifestEntry(
            status: .added, snapshotId: 7, sequenceNumber: 1, fileSequenceNumber: 1,
            dataFile: DataFile(filePath: "s3://b/a.parquet", partition: [], recordCount: 10, fileSizeInBytes: 100))
        let file = try ManifestCodec.writeManifest(
            [entry], spec: .unpartitioned, schema: schema, formatVersion: 2)
        XCTAssertEqual(
            try ManifestCodec.readManifest(file, manifest: nil, schema: schema, spec: .unpartitioned).first?.status,
            .added)
        let bad = try rewriting(file, field: "status", to: 1 << 40)
        XCTAssertThrowsError(try ManifestCodec.readManifest(bad, manifest: nil, schema: schema, spec: .unpartitioned))
    }
}
