import XCTest
@testable import Parquet

final class ScratchTests: XCTestCase {
    func testScratchWrite() throws {
        let schema = try ParquetSchema(fields: [
            .primitive("id", .int64, .required, fieldId: 1),
            .primitive("name", .byteArray, .optional, fieldId: 2, logicalType: .string),
            .group("tags", .optional, fieldId: 3, logicalType: .list, children: [
                .group("list", .repeated, children: [.primitive("element", .int32, .optional, fieldId: 4)])
            ]),
        ])
        let sink = try FileSink(path: "/tmp/scratch.parquet")
        var o = ParquetWriterOptions()
        o.dataPageSize = 64
        let w = try ParquetWriter(sink: sink, schema: schema, options: o)
        let ids = ColumnData(values: .int64(Array(0..<100)))
        var names = ByteArrayBuffer()
        var defs: [UInt8] = []
        for i in 0..<100 { if i % 3 == 0 { defs.append(0) } else { defs.append(1); names.append("name-\(i % 7)") } }
        // tags: row i has i%3 elements; element j null when j==1
        var tdefs: [UInt8] = [], treps: [UInt8] = [], tvals: [Int32] = []
        for i in 0..<100 {
            let n = i % 4
            if n == 3 { tdefs.append(0); treps.append(0); continue }
            if n == 0 { tdefs.append(1); treps.append(0); continue }
            for j in 0..<n { treps.append(j == 0 ? 0 : 1); if j == 1 { tdefs.append(2) } else { tdefs.append(3); tvals.append(Int32(i * 10 + j)) } }
        }
        try w.write([ids, ColumnData(values: .byteArray(names), definitionLevels: defs), ColumnData(values: .int32(tvals), definitionLevels: tdefs, repetitionLevels: treps)])
        try w.close()
    }
}
