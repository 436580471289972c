// swift-format-ignore-file
// Block 1 of docs/rest.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergREST

func example_rest1() async throws {
// BEGIN BLOCK
let secret = "…"
let catalog = try await RESTCatalog.connect(
    RESTCatalogOptions(uri: "https://catalog.example.com/api/catalog", warehouse: "analytics",
                       auth: .oauth2(clientId: "svc", clientSecret: secret)),
    io: LocalFileIO())
let table = try await catalog.loadTable("sales.orders")
// END BLOCK
}
