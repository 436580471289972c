// swift-format-ignore-file
// Block 1 of docs/aws.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergAWS

func example_aws1() async throws {
// BEGIN BLOCK
let catalog = try AWSCatalogs.s3Tables(tableBucketARN: "arn:aws:s3tables:us-east-1:123456789012:bucket/analytics")
try await catalog.createNamespace(Namespace(["sales"]), properties: [])
let schema = try Schema(fields: [.required(1, "id", .long), .optional(2, "ts", .timestamptz)])
let spec = try SpecParsing.partitionSpec("day(ts)", schema: schema)
let table = try await catalog.createTable(TableIdentifier(namespace: Namespace(["sales"]), name: "events"),
                                          TableCreation(schema: schema, spec: spec))
// END BLOCK
}
