import Foundation
import Iceberg
import IcebergSQLite
import TestSupport
import XCTest

/// The SQLite catalog file: catalogs of different names share a file without seeing each
/// other (PyIceberg's and Java's `catalog_name` column), handles see each other's commits,
/// namespace properties change in place, and a file that is not SQLite is refused clearly.
final class SQLiteCatalogTests: XCTestCase {
    private func directory() throws -> URL { try makeTemporaryDirectory(self, prefix: "sqlite") }

    func testCatalogNamesShareAFileAndHandlesSeeCommits() async throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("catalog.db").path
        let a = try SQLiteCatalog.open(path: path, name: "a", warehouse: dir.appendingPathComponent("wh").path)
        let b = try SQLiteCatalog.open(path: path, name: "b", warehouse: dir.appendingPathComponent("wh").path)
        let a2 = try SQLiteCatalog.open(path: path, name: "a", warehouse: dir.appendingPathComponent("wh").path)
        try await a.createNamespace(Namespace(["ns"]), properties: [("owner", "x")])
        let bNamespaces = try await b.listNamespaces(parent: nil)
        XCTAssertEqual(bNamespaces, [], "catalog b does not see catalog a's namespaces")
        _ = try await a.createTable(
            try TableIdentifier(parsing: "ns.t"), TableCreation(schema: try Schema(fields: [.required(1, "id", .long)]))
        )
        let viaSecondHandle = try await a2.loadTable("ns.t")
        try await viaSecondHandle.updateProperties(set: [("k", "v")])
        let reloaded = try await a.loadTable("ns.t")
        XCTAssertEqual(reloaded.metadata.property("k"), "v", "a commit through one handle is what the other loads")

        let change = try await a.updateNamespaceProperties(
            Namespace(["ns"]), removals: ["owner", "absent"], updates: [("team", "data")])
        XCTAssertEqual(change.removed, ["owner"])
        XCTAssertEqual(change.missing, ["absent"])
        let properties = try await a2.namespaceProperties(Namespace(["ns"]))
        XCTAssertEqual(properties.map(\.0).filter { $0 != "exists" }, ["team"])
    }

    func testAFileThatIsNotSQLiteIsRefused() throws {
        let dir = try directory()
        let path = dir.appendingPathComponent("catalog.db").path
        try Data("this is not a database, just text long enough to be read as a header".utf8).write(
            to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SQLiteCatalog.open(path: path, warehouse: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("SQLite"), "\(error)")
            XCTAssertTrue("\(error)".contains("catalog.db") || "\(error)".contains("not a database"), "\(error)")
        }
    }
}
