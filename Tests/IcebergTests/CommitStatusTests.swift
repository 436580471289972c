import Foundation
import TestSupport
import XCTest

@testable import Iceberg

/// A pointer swap whose answer is lost after it landed, while another writer commits on top
/// before the pointer is read back: the commit is found in the current metadata's log and
/// reported as landed — its metadata file, manifest list and manifests stay, and the other
/// writer's table (built on them) still reads.
final class CommitStatusTests: XCTestCase {
    /// Forwards to an in-memory store; the first swap lands, lets another writer commit
    /// through `racer`, then throws as if the answer had been lost.
    actor LandThenRaceStore: MetadataPointerStore {
        let inner = InMemoryPointerStore()
        var racer: (@Sendable () async throws -> Void)?
        private(set) var swaps = 0

        func setRacer(_ racer: @escaping @Sendable () async throws -> Void) { self.racer = racer }

        func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata)
            async throws -> Bool
        {
            swaps += 1
            let landed = try await inner.swapPointer(table, expected: expected, new: new, metadata: metadata)
            guard landed, let race = racer else { return landed }
            racer = nil
            try await race()
            throw CatalogError.storage("injected: connection reset after the swap")
        }

        func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
            try await inner.createNamespace(namespace, properties: properties)
        }
        func namespaceExists(_ namespace: Namespace) async throws -> Bool { try await inner.namespaceExists(namespace) }
        func allNamespaces() async throws -> [Namespace] { try await inner.allNamespaces() }
        func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
            try await inner.namespaceProperties(namespace)
        }
        func dropNamespace(_ namespace: Namespace) async throws { try await inner.dropNamespace(namespace) }
        func tables(in namespace: Namespace) async throws -> [TableIdentifier] { try await inner.tables(in: namespace) }
        func pointer(_ table: TableIdentifier) async throws -> String? { try await inner.pointer(table) }
        func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) async throws {
            try await inner.createPointer(table, location: location, metadata: metadata)
        }
        func deletePointer(_ table: TableIdentifier) async throws { try await inner.deletePointer(table) }
        func renamePointer(_ from: TableIdentifier, to: TableIdentifier) async throws {
            try await inner.renamePointer(from, to: to)
        }
    }

    struct Row: Codable, Sendable {
        var id: Int64
    }

    func testACommitThatLandedBeforeAnotherWritersIsFoundInTheMetadataLog() async throws {
        let dir = try makeTemporaryDirectory(self, prefix: "commit-status")
        let store = LandThenRaceStore()
        let catalog = PointerCatalog(name: "c", warehouse: dir.path, io: LocalFileIO(), store: store)
        try await catalog.createNamespace(Namespace(["t"]), properties: [])
        let id = TableIdentifier(namespace: Namespace(["t"]), name: "rows")
        let table = try await catalog.createTable(
            id, TableCreation(schema: try Schema(fields: [.required(1, "id", .long)])))
        // The other writer: a catalog of its own over the same pointers and files.
        let other = PointerCatalog(name: "c", warehouse: dir.path, io: LocalFileIO(), store: store.inner)
        await store.setRacer { try await other.loadTable(id).append([Row(id: 2)]) }

        try await table.append([Row(id: 1)])

        let swaps = await store.swaps
        XCTAssertEqual(swaps, 1, "found, not sent again")
        let current = try await catalog.loadTable(id)
        XCTAssertEqual(current.metadata.snapshots.count, 2)
        let ids = try await current.scan().rows().compactMap { $0["id"]?.intValue }
        XCTAssertEqual(ids.sorted(), [1, 2], "both commits read: none of the first one's files was removed")
    }
}
