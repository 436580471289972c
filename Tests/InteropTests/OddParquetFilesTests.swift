import Foundation
import JSONSupport
import TestSupport
import XCTest

@testable import Parquet

/// Files other writers produce that are odd but readable: each is read as pyarrow reads it.
/// They are made from our golden files by rewriting only the footer (the pages stay), or
/// written with our writer for layouts pyarrow does not write.
final class OddParquetFilesTests: XCTestCase {
    /// Writes `source` with its footer changed by `edit`.
    func rewritingFooter(_ source: String, to target: String, _ edit: (inout FileMetaData) -> Void) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].enumerated().reduce(0) {
            $0 | Int($1.1) << (8 * $1.0)
        }
        var metadata = try ParquetReader(path: source).metadata
        edit(&metadata)
        let footer = metadata.serialized()
        var out = Array(bytes[0..<(bytes.count - 8 - length)]) + footer
        out += (0..<4).map { UInt8(truncatingIfNeeded: footer.count >> (8 * $0)) } + Array("PAR1".utf8)
        try Data(out).write(to: URL(fileURLWithPath: target))
    }

    func pyarrowRows(_ path: String) throws -> [JSONValue] {
        var bytes = [UInt8](try PythonPeer.run(script: "read_parquet.py", [path]))
        return try JSONValue.parse(bytes: &bytes)["rows"]?.arrayValue ?? []
    }

    /// Some writers leave `dictionary_page_offset` 0 and point `data_page_offset` at the
    /// dictionary page; readers take 0 as "not set" and find the dictionary first in the chunk.
    func testDictionaryPageOffsetZero() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = GoldenParquetTests.fixtures.appendingPathComponent("pyarrow_snappy_v1.parquet").path
        let target = dir.appendingPathComponent("dict-offset-zero.parquet").path
        var patched = 0
        try rewritingFooter(source, to: target) { m in
            for g in m.rowGroups.indices {
                for c in m.rowGroups[g].columns.indices {
                    guard var meta = m.rowGroups[g].columns[c].metaData, let d = meta.dictionaryPageOffset else {
                        continue
                    }
                    meta.dataPageOffset = d
                    meta.dictionaryPageOffset = 0
                    m.rowGroups[g].columns[c].metaData = meta
                    patched += 1
                }
            }
        }
        XCTAssertGreaterThan(patched, 5)
        let java = try pyarrowRows(target)
        XCTAssertEqual(java.count, try GoldenParquetTests.readAll(source).count)
        XCTAssertEqual(try GoldenParquetTests.readAll(target), java)
    }

    /// Key/value metadata on the column chunks of a zero-row row group.
    func testColumnChunkKeyValueMetadataInAnEmptyRowGroup() throws {
        let dir = try makeTemporaryDirectory(self)
        _ = try PythonPeer.run(script: "make_parquet.py", [dir.path])
        let target = dir.appendingPathComponent("empty-kv.parquet").path
        try rewritingFooter(dir.appendingPathComponent("empty.parquet").path, to: target) { m in
            XCTAssertEqual(m.rowGroups.count, 1)
            for g in m.rowGroups.indices {
                for c in m.rowGroups[g].columns.indices {
                    m.rowGroups[g].columns[c].metaData?.keyValueMetadata = [
                        KeyValue(key: "origin", value: "test"), KeyValue(key: "no-value", value: nil),
                    ]
                }
            }
        }
        XCTAssertEqual(try pyarrowRows(target), [])
        XCTAssertEqual(try GoldenParquetTests.readAll(target), [])
        XCTAssertEqual(
            try ParquetReader(path: target).metadata.rowGroups.first?.columns.first?.metaData?.keyValueMetadata,
            [KeyValue(key: "origin", value: "test"), KeyValue(key: "no-value", value: nil)])
    }

    /// A MAP whose key_value group holds only the key (no value column).
    func testMapWithoutAValueColumn() throws {
        let dir = try makeTemporaryDirectory(self)
        let path = dir.appendingPathComponent("map-no-value.parquet").path
        let schema = try ParquetSchema(
            fields: [
                .primitive("id", .int32, .required),
                .group(
                    "m", .optional, logicalType: .map, convertedType: .map,
                    children: [
                        .group(
                            "key_value", .repeated,
                            children: [.primitive("key", .byteArray, .required, logicalType: .string)])
                    ]
                ),
            ], rootName: "schema")
        let writer = try ParquetWriter(sink: try FileSink(path: path), schema: schema)
        let keys = ["a", "b", "c"]
        var offsets: [Int32] = [0]
        var data: [UInt8] = []
        for k in keys {
            data += Array(k.utf8)
            offsets.append(Int32(data.count))
        }
        try writer.write([
            ColumnData(values: .int32([1, 2, 3, 4])),
            ColumnData(
                values: .byteArray(ByteArrayBuffer(data: data, offsets: offsets)), definitionLevels: [2, 2, 0, 1, 2],
                repetitionLevels: [0, 1, 0, 0, 0]),
        ])
        _ = try writer.close()
        let java = try pyarrowRows(path)
        XCTAssertEqual(java.count, 4)
        XCTAssertEqual(try GoldenParquetTests.readAll(path), java)
    }

    /// parquet-mr before 1.2.9 left the dictionary page header out of a chunk's size
    /// (PARQUET-816; the Parquet project's `nation.dict-malformed.parquet`): readers give such
    /// chunks up to 100 more bytes, as pyarrow does, and read every value.
    func testChunkSizesWithoutTheDictionaryHeaderOfOldParquetMR() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = GoldenParquetTests.fixtures.appendingPathComponent("pyarrow_snappy_v1.parquet").path
        for createdBy in ["parquet-mr version 1.2.8 (build 0123abc)", "parquet-mr"] {
            let target = dir.appendingPathComponent("old-parquet-mr.parquet").path
            var shortened = 0
            try rewritingFooter(source, to: target) { m in
                m.createdBy = createdBy
                for g in m.rowGroups.indices {
                    for c in m.rowGroups[g].columns.indices
                    where m.rowGroups[g].columns[c].metaData?.dictionaryPageOffset != nil {
                        m.rowGroups[g].columns[c].metaData?.totalCompressedSize -= 10
                        shortened += 1
                    }
                }
            }
            XCTAssertGreaterThan(shortened, 5)
            let pyarrow = try pyarrowRows(target)
            XCTAssertEqual(pyarrow.count, try GoldenParquetTests.readAll(source).count)
            XCTAssertEqual(try GoldenParquetTests.readAll(target), pyarrow, createdBy)
        }
        // A newer parquet-mr is taken at its word: the short chunk is an error naming it.
        let target = dir.appendingPathComponent("new-parquet-mr.parquet").path
        try rewritingFooter(source, to: target) { m in
            m.createdBy = "parquet-mr version 1.2.9 (build 0123abc)"
            for g in m.rowGroups.indices {
                for c in m.rowGroups[g].columns.indices
                where m.rowGroups[g].columns[c].metaData?.dictionaryPageOffset != nil {
                    m.rowGroups[g].columns[c].metaData?.totalCompressedSize -= 10
                }
            }
        }
        XCTAssertThrowsError(try GoldenParquetTests.readAll(target))
    }

    /// A known field id written with another type than parquet.thrift gives it (Dremio's
    /// parquet-mr 1.12 writes a list as ColumnMetaData field 15, `bloom_filter_length`, an i32,
    /// in the Parquet project's `dict-page-offset-zero.parquet`) is skipped, as Thrift skips
    /// unknown fields, and the file reads as pyarrow reads it.
    func testAFooterFieldOfAnotherTypeIsSkipped() throws {
        let dir = try makeTemporaryDirectory(self)
        let source = GoldenParquetTests.fixtures.appendingPathComponent("pyarrow_snappy_v1.parquet").path
        let target = dir.appendingPathComponent("field-15-list.parquet").path
        let sentinel: Int32 = 0x0123_4567
        try rewritingFooter(source, to: target) { m in
            for g in m.rowGroups.indices {
                for c in m.rowGroups[g].columns.indices {
                    m.rowGroups[g].columns[c].metaData?.bloomFilterLength = sentinel
                }
            }
        }
        // Each `15: i32 sentinel` becomes `15: list<struct>` of one struct {1: i32 7}.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: target)))
        var value: [UInt8] = []
        var zigzag = UInt32(bitPattern: (sentinel << 1) ^ (sentinel >> 31))
        while zigzag >= 0x80 {
            value.append(UInt8(zigzag & 0x7F) | 0x80)
            zigzag >>= 7
        }
        value.append(UInt8(zigzag))
        let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].enumerated().reduce(0) {
            $0 | Int($1.1) << (8 * $1.0)
        }
        var footer = Array(bytes[(bytes.count - 8 - length)..<(bytes.count - 8)])
        var replaced = 0
        var i = 1
        while i + value.count <= footer.count {
            if Array(footer[i..<(i + value.count)]) == value, footer[i - 1] & 0x0F == 5 {
                let header = footer[i - 1] & 0xF0 | 9
                footer.replaceSubrange((i - 1)..<(i + value.count), with: [header, 0x1C, 0x15, 0x0E, 0x00])
                replaced += 1
                i += 4
            } else {
                i += 1
            }
        }
        XCTAssertGreaterThan(replaced, 5)
        bytes =
            Array(bytes[..<(bytes.count - 8 - length)]) + footer
            + (0..<4).map { UInt8(truncatingIfNeeded: footer.count >> (8 * $0)) } + Array("PAR1".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        let pyarrow = try pyarrowRows(target)
        XCTAssertEqual(pyarrow.count, try GoldenParquetTests.readAll(source).count)
        XCTAssertEqual(try GoldenParquetTests.readAll(target), pyarrow)
        XCTAssertNil(try ParquetReader(path: target).metadata.rowGroups[0].columns[0].metaData?.bloomFilterLength)
    }
}
