// swift-format-ignore-file
// Block 1 of Sources/Avro/Avro.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Avro

func example_Avro_GettingStarted1() async throws {
// BEGIN BLOCK
let schema = AvroSchema.record(AvroRecord(name: "row", fields: [AvroField(name: "id", type: .primitive(.long, attributes: AvroAttributes()))]))
var writer = try AvroFileWriter(schema: schema, codec: .deflate)
try writer.append(.record([.long(7)]))
let file = try AvroFileReader(bytes: try writer.finish())
print(try file.records())
// END BLOCK
}
