import Iceberg
import JSONSupport

/// Rows and appends shared by the catalog tests (id, name, ts columns).
enum TableFixtures {
    /// Rows `{"id": i, "name": "row-i", "ts": one of three January days}`.
    static func rows(_ range: Range<Int>) -> [JSONValue] {
        range.map { i in
            .object([
                ("id", .int(Int64(i))), ("name", .string("row-\(i)")),
                ("ts", .string("2026-01-0\(1 + i % 3)T12:00:00+00:00")),
            ])
        }
    }

    /// Writes `rows` and appends them, starting from `startingFrom` (a possibly stale table)
    /// or the table as loaded now.
    @discardableResult
    static func append(_ catalog: some Catalog, _ id: TableIdentifier, _ rows: [JSONValue], startingFrom: Table? = nil)
        async throws -> Table
    {
        let table: Table
        if let startingFrom { table = startingFrom.copy() } else { table = try await catalog.loadTable(id) }
        try await append(rows, to: table)
        return table
    }

    /// Writes rows in the JSON value convention and appends them to `table` as one snapshot.
    static func append(_ rows: [JSONValue], to table: Table) async throws {
        var writer = try TableWriter(metadata: table.metadata, io: table.io)
        for (i, r) in rows.enumerated() { try await writer.append(r, rowNumber: i + 1) }
        try await table.appendFiles(try await writer.finish())
    }
}
