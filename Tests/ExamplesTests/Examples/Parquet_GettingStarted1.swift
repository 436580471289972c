// swift-format-ignore-file
// Block 1 of Sources/Parquet/Parquet.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Parquet

func example_Parquet_GettingStarted1() async throws {
// BEGIN BLOCK
let schema = try ParquetSchema(fields: [.primitive("id", .int64, .required, fieldId: 1)])
let writer = try ParquetWriter(sink: MemorySink(), schema: schema)
try writer.write([ColumnData(values: .int64([1, 2, 3]))])
try writer.close()
// END BLOCK
}
