// swift-format-ignore-file
// Block 4 of README.md, compiled; written by scripts/doc-examples.py.
import IcebergAWS

func example_README4() async throws {
// BEGIN BLOCK
let tables = try AWSCatalogs.s3Tables(tableBucketARN: "arn:aws:s3tables:us-east-1:123456789012:bucket/analytics")
let glue = try AWSCatalogs.glue(warehouse: "s3://my-lake/warehouse")   // credentials and region: the AWS default chain
let events = try await tables.loadTable("sales.events")
// END BLOCK
}
