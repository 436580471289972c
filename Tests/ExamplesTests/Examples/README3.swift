// swift-format-ignore-file
// Block 3 of README.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import JSONSupport
import Parquet

func example_README3() async throws {
// BEGIN BLOCK
let schemaJSON = #"{"type": "struct", "fields": [{"id": 1, "name": "id", "required": true, "type": "long"}, {"id": 2, "name": "ts", "required": false, "type": "timestamptz"}]}"#
let schema = try Schema(jsonText: schemaJSON)
var shredder = try JSONRowShredder(schema: schema)
try shredder.append(try JSONValue.parse(#"{"id": 1, "ts": "2024-01-01T00:00:00+00:00"}"#), rowNumber: 1)
let writer = try ParquetWriter(sink: try FileSink(path: "t.parquet"), schema: shredder.parquetSchema)
try writer.write(shredder.takeColumns())
try writer.close()
// END BLOCK
}
