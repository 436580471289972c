// swift-format-ignore-file
// Block 1 of Sources/IcebergREST/IcebergREST.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergREST

func example_IcebergREST_GettingStarted1() async throws {
// BEGIN BLOCK
let catalog = try await RESTCatalog.connect(RESTCatalogOptions(uri: "http://127.0.0.1:8181"), io: LocalFileIO())
print(try await catalog.listNamespaces(parent: nil))
// END BLOCK
}
