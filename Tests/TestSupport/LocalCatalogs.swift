import Foundation
import Iceberg
import XCTest

/// An in-memory catalog over a fresh local warehouse (removed when `test` ends) holding the
/// namespace `namespace`; returns the catalog and the warehouse folder.
public func makeLocalCatalog(_ test: XCTestCase, prefix: String, namespace: String = "t") async throws
    -> (catalog: InMemoryCatalog, warehouse: URL)
{
    let dir = try makeTemporaryDirectory(test, prefix: prefix)
    let catalog = InMemoryCatalog(name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
    try await catalog.createNamespace(Namespace([namespace]), properties: [])
    return (catalog, dir)
}
