// swift-format-ignore-file
// Block 1 of Sources/IcebergSQLite/IcebergSQLite.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergSQLite

func example_IcebergSQLite_GettingStarted1() async throws {
// BEGIN BLOCK
let catalog = try SQLiteCatalog.open(path: "/tmp/iceberg-docs/catalog.db", name: "default", warehouse: "/tmp/iceberg-docs/warehouse")
let namespaces = try await catalog.listNamespaces(parent: nil)
print(namespaces)
// END BLOCK
}
