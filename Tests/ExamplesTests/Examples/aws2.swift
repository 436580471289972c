// swift-format-ignore-file
// Block 2 of docs/aws.md, compiled; written by scripts/doc-examples.py.
import IcebergAWS

func example_aws2() async throws {
// BEGIN BLOCK
let catalog = try AWSCatalogs.glue(warehouse: "s3://my-lake/warehouse")          // this account's catalog
let other = try AWSCatalogs.glue(catalogId: "123456789012", warehouse: "s3://…")
// END BLOCK
}
