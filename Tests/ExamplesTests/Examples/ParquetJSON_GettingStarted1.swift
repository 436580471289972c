// swift-format-ignore-file
// Block 1 of Sources/ParquetJSON/ParquetJSON.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Parquet
import ParquetJSON

func example_ParquetJSON_GettingStarted1() async throws {
// BEGIN BLOCK
let schema = try ParquetSchema(fields: [.primitive("id", .int64, .required, fieldId: 1)])
print(ParquetDescription.schema(schema).serialized(pretty: true))
// END BLOCK
}
