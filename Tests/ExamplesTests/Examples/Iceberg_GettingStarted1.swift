// swift-format-ignore-file
// Block 1 of Sources/Iceberg/Iceberg.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import Iceberg

func example_Iceberg_GettingStarted1() async throws {
// BEGIN BLOCK
let catalog = InMemoryCatalog(name: "mem", warehouse: "/tmp/iceberg-docs", io: LocalFileIO(), store: InMemoryPointerStore())
try await catalog.createNamespace(Namespace(["shop"]), properties: [])
let schema = try Schema(fields: [.required(1, "id", .long)])
let table = try await catalog.createTable(try TableIdentifier(parsing: "shop.ids"), TableCreation(schema: schema))
struct Row: Codable, Sendable { var id: Int64 }
try await table.append([Row(id: 1), Row(id: 2)])
let rows = try await table.scan(filter: "id > 1").rows()
print(rows)
// END BLOCK
}
