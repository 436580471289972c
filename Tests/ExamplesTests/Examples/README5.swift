// swift-format-ignore-file
// Block 5 of README.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergCatalogLoader
import IcebergREST

func example_README5() async throws {
// BEGIN BLOCK
let token = "…"
let rest = try await RESTCatalog.connect(RESTCatalogOptions(uri: "http://127.0.0.1:8181", auth: .bearer(token)), io: LocalFileIO())
let s3TablesREST = try await AWSRESTCatalogs.s3Tables(tableBucketARN: "arn:aws:s3tables:us-east-1:123456789012:bucket/analytics")
// END BLOCK
}
