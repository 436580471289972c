// swift-format-ignore-file
// Block 2 of docs/rest.md, compiled; written by scripts/doc-examples.py.
import IcebergCatalogLoader

func example_rest2() async throws {
// BEGIN BLOCK
let tables = try await AWSRESTCatalogs.s3Tables(tableBucketARN: "arn:aws:s3tables:us-east-1:111122223333:bucket/analytics")
let glue = try await AWSRESTCatalogs.glue(catalogId: "111122223333")
// END BLOCK
}
