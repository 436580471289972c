// swift-format-ignore-file
// Block 2 of README.md, compiled; written by scripts/doc-examples.py.
import Parquet

func example_README2() async throws {
// BEGIN BLOCK
let schema = try ParquetSchema(fields: [
    .primitive("id", .int64, .required, fieldId: 1),
    .primitive("name", .byteArray, .optional, fieldId: 2, logicalType: .string),
])
var options = ParquetWriterOptions()
options.compression = .zstd(level: 3)
let writer = try ParquetWriter(sink: try FileSink(path: "people.parquet"), schema: schema, options: options)
try writer.write([
    ColumnData(values: .int64([1, 2, 3])),
    .optional(.byteArray(ByteArrayBuffer(strings: ["ada", "grace"])), validity: [true, false, true]),
])
try writer.close()   // page indexes + footer; the file appears atomically

let reader = try ParquetReader(path: "people.parquet")
let ids = try reader.readColumn(rowGroup: 0, column: 0)   // ColumnData: values + levels
print(ids.values)
// END BLOCK
}
