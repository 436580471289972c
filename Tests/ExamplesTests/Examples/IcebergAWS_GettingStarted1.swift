// swift-format-ignore-file
// Block 1 of Sources/IcebergAWS/IcebergAWS.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergAWS

func example_IcebergAWS_GettingStarted1() async throws {
// BEGIN BLOCK
let tables = try AWSCatalogs.s3Tables(tableBucketARN: "arn:aws:s3tables:us-east-1:123456789012:bucket/analytics")
let events = try await tables.loadTable("sales.events")
print(events.schema)
// END BLOCK
}
