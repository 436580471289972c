// swift-format-ignore-file
// Block 1 of README.md, compiled; written by scripts/doc-examples.py.
import Foundation
import Iceberg
import IcebergSQLite

func example_README1() async throws {
// BEGIN BLOCK
struct Sale: Codable, Sendable { var id: String; var category: String?; var price: Decimal?; var sold_at: Date? }
struct PriceRow: Decodable { var id: String; var price: Decimal? }

let catalog = try SQLiteCatalog.open(path: "warehouse/catalog.db", name: "default", warehouse: "warehouse")
try await catalog.createNamespace(Namespace(["shop"]), properties: [])
let schema = try Schema(fields: [
    .required(1, "id", .string), .optional(2, "category", .string),
    .optional(3, "price", .decimal(precision: 10, scale: 2)), .optional(4, "sold_at", .timestamptz),
])
let spec = try SpecParsing.partitionSpec("month(sold_at)", schema: schema)
_ = try await catalog.createTable(try TableIdentifier(parsing: "shop.sales"), TableCreation(schema: schema, spec: spec))

let table = try await catalog.loadTable("shop.sales")
try await table.append([Sale(id: "s1", category: "books", price: Decimal(string: "12.50"), sold_at: Date()),
                        Sale(id: "s2", category: "games", price: Decimal(string: "0.50"), sold_at: Date())])

let scan = try table.scan(filter: "category = 'books' and price > 10", columns: ["id", "price"])
for try await batch in scan.batches() {                      // one ColumnBatch per row group read
    let prices = batch.column("price")?.data                 // typed values + definition levels
    let rows = try batch.rows(as: PriceRow.self)             // or Decodable rows
    print(rows.count, prices?.values.count ?? 0)
}

let deleted = try await table.delete(where: "price < 1")     // copy-on-write
print(deleted.deletedRows)
let merged = try await table.upsert(                           // by key (here named; default: identifier fields)
    [Sale(id: "s1", category: "books", price: Decimal(string: "13.00"), sold_at: nil)],
    options: UpsertRows.Options(keyColumns: ["id"], strategy: .positionDeletes))
print(merged.matchedRows ?? 0)                                 // 1: s1 was replaced

try await table.updateSchema([                               // metadata only, old files stay
    .addColumn(parent: nil, name: "note", type: .string, doc: "free text"),
    .updateDoc("category", doc: "product line"),
])
try await table.updatePartitionSpec([.addField(source: "id", transform: .bucket(16))])   // "id_bucket_16"
try await table.replaceSortOrder([SortTerm("sold_at", direction: .desc)])   // later files are sorted

try await table.manageSnapshots([.createBranch("audit")])   // write-audit-publish
try await table.append([Sale(id: "s4", category: "games", price: nil, sold_at: nil)], branch: "audit")
print(try await table.scan(ref: "audit").rows().count)
try await table.manageSnapshots([.fastForward("main", to: "audit"), .removeBranch("audit")])   // publish

var change = table.newTransaction()                          // several changes, one commit
change.updateProperties(set: [("write.parquet.compression-codec", "snappy")])
change.append([Sale(id: "s3", category: "books", price: nil, sold_at: nil)])
try await change.commit()                                    // `table` now holds the new version
let now = Int64(Date().timeIntervalSince1970 * 1000)
try await table.expireSnapshots(ExpireSnapshots(olderThanMs: now, retainLast: 2))   // keeps the newest two
// END BLOCK
}
