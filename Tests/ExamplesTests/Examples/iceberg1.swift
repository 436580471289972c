// swift-format-ignore-file
// Block 1 of docs/iceberg.md, compiled; written by scripts/doc-examples.py.
import Iceberg
import IcebergSQLite

func example_iceberg1() async throws {
// BEGIN BLOCK
let catalog = try SQLiteCatalog.open(path: "warehouse/catalog.db", name: "default", warehouse: "warehouse")
let orders = try await catalog.loadTable("shop.orders")
let stock = try await catalog.loadTable("shop.stock")
var addOrder = orders.newTransaction()
addOrder.updateProperties(set: [("last-batch", "42")])
var moveStock = stock.newTransaction()
moveStock.updateProperties(set: [("last-batch", "42")])
try await MultiTableTransaction([addOrder, moveStock]).commit()   // both or neither
// END BLOCK
}
