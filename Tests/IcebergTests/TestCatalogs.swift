import Foundation
import XCTest

@testable import Iceberg

extension XCTestCase {
    /// An in-memory catalog over a fresh local warehouse (removed when the test ends) with the
    /// namespace `t`.
    func makeLocalCatalog(_ prefix: String) async throws -> InMemoryCatalog {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let catalog = InMemoryCatalog(
            name: "mem", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        return catalog
    }
}
