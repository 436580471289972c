// swift-format-ignore-file
// Block 1 of Sources/IcebergCatalogLoader/IcebergCatalogLoader.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import IcebergCatalogLoader

func example_IcebergCatalogLoader_GettingStarted1() async throws {
// BEGIN BLOCK
let catalog = try await CatalogLoader().load("sqlite:/tmp/iceberg-docs/catalog.db?warehouse=/tmp/iceberg-docs/warehouse")
print(catalog.name)
// END BLOCK
}
