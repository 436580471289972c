// swift-format-ignore-file
// Block 1 of Sources/IcebergSpec/IcebergSpec.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import IcebergSpec

func example_IcebergSpec_GettingStarted1() async throws {
// BEGIN BLOCK
let schema = try Schema(fields: [.required(1, "id", .long), .optional(2, "ts", .timestamptz)])
let filter = try FilterParser.parse("id > 10 and ts >= '2024-01-01T00:00:00+00:00'")
print(schema, filter)
// END BLOCK
}
