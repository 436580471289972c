import Foundation
import JSONSupport
import ParquetJSON
import TestSupport
import XCTest

@testable import Iceberg
@testable import Parquet

/// Every file our writer produces is read back by pyarrow and compared value by value.
final class PyarrowWriteInteropTests: XCTestCase {
    struct Variant {
        var name: String
        var options: ParquetWriterOptions
        /// Encodings pyarrow must report for some columns (path → encoding name).
        var expectEncodings: [String: String] = [:]
    }

    static func variants() -> [Variant] {
        var out: [Variant] = []
        var o = ParquetWriterOptions()
        o.dataPageSize = 2048
        o.rowGroupRows = 700
        out.append(Variant(name: "snappy-v1-dictionary", options: o, expectEncodings: ["s": "RLE_DICTIONARY"]))

        o = ParquetWriterOptions()
        o.compression = .zstd(level: 3)
        o.dataPageVersion = .v2
        o.dataPageSize = 4096
        out.append(Variant(name: "zstd-v2-dictionary", options: o, expectEncodings: ["st.a": "RLE_DICTIONARY"]))

        o = ParquetWriterOptions()
        o.compression = .gzip(level: 6)
        o.enableDictionary = false
        o.statisticsTruncateLength = 8
        out.append(Variant(name: "gzip-v1-plain", options: o, expectEncodings: ["s": "PLAIN", "l": "PLAIN"]))

        o = ParquetWriterOptions()
        o.compression = .uncompressed
        o.dataPageVersion = .v2
        o.dataPageSize = 1024
        o.columnEncodings = [
            "i": .deltaBinaryPacked, "l": .deltaBinaryPacked, "lst.list.element": .deltaBinaryPacked,
            "s": .deltaLengthByteArray, "bin": .deltaLengthByteArray,
            "f": .byteStreamSplit, "d": .byteStreamSplit, "dec18": .byteStreamSplit, "fx": .byteStreamSplit,
            "b": .rle,
        ]
        out.append(
            Variant(
                name: "none-v2-delta-bss", options: o,
                expectEncodings: [
                    "i": "DELTA_BINARY_PACKED", "l": "DELTA_BINARY_PACKED", "s": "DELTA_LENGTH_BYTE_ARRAY",
                    "f": "BYTE_STREAM_SPLIT", "d": "BYTE_STREAM_SPLIT", "fx": "BYTE_STREAM_SPLIT", "b": "RLE",
                ]))

        o = ParquetWriterOptions()
        o.compression = .snappy
        o.dataPageVersion = .v1
        o.columnEncodings = [
            "i": .deltaBinaryPacked, "tstz": .deltaBinaryPacked, "s": .deltaLengthByteArray, "d": .byteStreamSplit,
        ]
        o.rowGroupBytes = 20_000
        out.append(
            Variant(
                name: "snappy-v1-delta-small-row-groups", options: o,
                expectEncodings: ["tstz": "DELTA_BINARY_PACKED", "d": "BYTE_STREAM_SPLIT"]))
        return out
    }

    func testPyarrowReadsEveryVariant() throws {
        let dir = try makeTemporaryDirectory(self)
        let schema = try AllTypesData.schema()
        let rows = AllTypesData.rows(count: 2_000)
        for variant in Self.variants() {
            let path = dir.appendingPathComponent("\(variant.name).parquet").path
            var shredder = try JSONRowShredder(schema: schema)
            let writer = try ParquetWriter(
                sink: try FileSink(path: path), schema: shredder.parquetSchema, options: variant.options)
            for (i, row) in rows.enumerated() {
                try shredder.append(row, rowNumber: i + 1)
                if shredder.rowCount == 500 { try writer.write(shredder.takeColumns()) }
            }
            try writer.write(shredder.takeColumns())
            try writer.close()

            let output = try PythonPeer.run(script: "read_parquet.py", [path])
            var bytes = [UInt8](output)
            let result = try JSONValue.parse(bytes: &bytes)
            XCTAssertEqual(result["num_rows"]?.intValue, Int64(rows.count), variant.name)
            let peerRows = try XCTUnwrap(result["rows"]?.arrayValue, variant.name)
            XCTAssertEqual(peerRows.count, rows.count, variant.name)
            for (i, (mine, theirs)) in zip(rows, peerRows).enumerated() where mine != theirs {
                XCTFail(
                    "\(variant.name): row \(i) differs\n ours:    \(mine.serialized())\n pyarrow: \(theirs.serialized())"
                )
                break
            }

            // Field ids on every node.
            var ids: [String: Int] = [:]
            if case .object(let pairs)? = result["field_ids"] { for (k, v) in pairs { ids[k] = Int(v.intValue ?? -1) } }
            XCTAssertEqual(ids, AllTypesData.expectedFieldIds, variant.name)

            // Encodings, page indexes and statistics as pyarrow sees them.
            let chunks = try XCTUnwrap(result["chunks"]?.arrayValue)
            for (path, encoding) in variant.expectEncodings {
                let matching = chunks.filter { $0["path"]?.stringValue == path }
                XCTAssertFalse(matching.isEmpty, "\(variant.name): no chunk \(path)")
                for c in matching {
                    let encodings = c["encodings"]?.arrayValue?.compactMap { $0.stringValue } ?? []
                    XCTAssertTrue(
                        encodings.contains(encoding),
                        "\(variant.name): \(path) encodings \(encodings), expected \(encoding)")
                }
            }
            for c in chunks {
                XCTAssertEqual(c["has_offset_index"], .bool(true), "\(variant.name) \(c["path"]!.serialized())")
            }
            let lChunk = try XCTUnwrap(chunks.first { $0["path"]?.stringValue == "l" })
            XCTAssertEqual(lChunk["null_count"]?.intValue, 0)

            // Our own reader agrees with the input too.
            let reader = try ParquetReader(path: path)
            let assembler = try RecordAssembler(schema: reader.schema)
            let formatter = ParquetJSONFormatter(assembler: assembler)
            var ourRows: [JSONValue] = []
            for g in 0..<reader.rowGroupCount {
                for r in try assembler.assemble(try reader.readRowGroup(g)) {
                    ourRows.append(try JSONValue.parse(formatter.format(r)))
                }
            }
            XCTAssertEqual(ourRows.count, rows.count, variant.name)
            for (i, (mine, back)) in zip(rows, ourRows).enumerated() where mine != back {
                XCTFail(
                    "\(variant.name): our reader differs at row \(i)\n in:  \(mine.serialized())\n out: \(back.serialized())"
                )
                break
            }
        }
    }

    /// Statistics bounds as pyarrow decodes them equal the true min/max of the column.
    func testStatisticsMatchPyarrow() throws {
        let dir = try makeTemporaryDirectory(self)
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "name", .string), .optional(3, "score", .double),
            .optional(4, "when", .timestamptz),
        ])
        var shredder = try JSONRowShredder(schema: schema)
        let names = ["pear", "apple", "zucchini", "fig", "Äpfel"]
        for i in 0..<1000 {
            try shredder.append(
                .object([
                    ("id", .int(Int64(i * 7 - 3000))),
                    ("name", i % 10 == 0 ? .null : .string(names[i % names.count])),
                    ("score", i == 5 ? .string("NaN") : .double(Double(i) / 4 - 10)),
                    (
                        "when",
                        .string(
                            TemporalValues.formatTimestamp(
                                Int64(i) * 1_000_000_000, unitsPerSecond: 1_000_000, utc: true))
                    ),
                ]), rowNumber: i + 1)
        }
        let path = dir.appendingPathComponent("stats.parquet").path
        let writer = try ParquetWriter(sink: try FileSink(path: path), schema: shredder.parquetSchema)
        try writer.write(shredder.takeColumns())
        try writer.close()
        var bytes = [UInt8](try PythonPeer.run(script: "read_parquet.py", [path]))
        let result = try JSONValue.parse(bytes: &bytes)
        let chunks = try XCTUnwrap(result["chunks"]?.arrayValue)
        func chunk(_ p: String) throws -> JSONValue { try XCTUnwrap(chunks.first { $0["path"]?.stringValue == p }) }
        XCTAssertEqual(try chunk("id")["min"]?.stringValue, "-3000")
        XCTAssertEqual(try chunk("id")["max"]?.stringValue, "3993")
        XCTAssertEqual(try chunk("name")["min"]?.stringValue, "'apple'")
        XCTAssertEqual(try chunk("name")["max"]?.stringValue, "'Äpfel'")
        XCTAssertEqual(try chunk("name")["null_count"]?.intValue, 100)
        XCTAssertEqual(try chunk("score")["min"]?.stringValue, "-10.0")
        XCTAssertEqual(try chunk("score")["max"]?.stringValue, "239.75")
        XCTAssertEqual(try chunk("id")["has_column_index"], .bool(true))
    }
}
