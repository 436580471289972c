import CSQLite
import Iceberg

/// A SQL catalog stored in a SQLite file, with the tables and columns of PyIceberg's
/// `SqlCatalog` and Java's `JdbcCatalog` (`iceberg_tables`, `iceberg_namespace_properties`),
/// so each opens the other's catalog file. Commits swap `metadata_location` with a
/// conditional UPDATE inside an immediate transaction: concurrent writers in other processes
/// either see their update land or get a conflict.
public typealias SQLiteCatalog = PointerCatalog<SQLitePointerStore>

extension PointerCatalog where Store == SQLitePointerStore {
    /// Opens (creating if needed, with its folder) a SQLite catalog file.
    public static func open(path: String, name: String = "default", warehouse: String, io: FileIO = LocalFileIO())
        throws -> SQLiteCatalog
    {
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try LocalFileIO.makeDirectories(String(path[..<slash]))
        }
        let store = try SQLitePointerStore(path: path, catalogName: name)
        return SQLiteCatalog(name: name, warehouse: warehouse, io: io, store: store)
    }
}

/// The pointer store of `SQLiteCatalog`.
public actor SQLitePointerStore: MetadataPointerStore {
    private let handle: SQLiteHandle
    private var db: OpaquePointer { handle.db }
    /// The `catalog_name` of this catalog's rows.
    public let catalogName: String
    /// The database file.
    public nonisolated let path: String

    /// Opens the database and creates the catalog tables when missing.
    public init(path: String, catalogName: String) throws {
        handle = try SQLiteHandle.open(path: path)
        let h = handle.db
        self.catalogName = catalogName
        self.path = path
        try Self.exec(
            h,
            """
            CREATE TABLE IF NOT EXISTS iceberg_tables (
              catalog_name VARCHAR(255) NOT NULL,
              table_namespace VARCHAR(255) NOT NULL,
              table_name VARCHAR(255) NOT NULL,
              metadata_location VARCHAR(1000),
              previous_metadata_location VARCHAR(1000),
              iceberg_type VARCHAR(5),
              PRIMARY KEY (catalog_name, table_namespace, table_name));
            CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
              catalog_name VARCHAR(255) NOT NULL,
              namespace VARCHAR(255) NOT NULL,
              property_key VARCHAR(255) NOT NULL,
              property_value VARCHAR(1000) NOT NULL,
              PRIMARY KEY (catalog_name, namespace, property_key));
            """)
        // Catalog files made by older writers lack the iceberg_type column.
        if (try? Self.query(h, "SELECT iceberg_type FROM iceberg_tables LIMIT 0", [])) == nil {
            try Self.exec(h, "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)")
        }
    }

    static func exec(_ db: OpaquePointer, _ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &err) != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(message: message)
        }
    }

    /// Runs a statement with text parameters; returns rows of optional text columns.
    @discardableResult
    static func query(_ db: OpaquePointer, _ sql: String, _ params: [String?]) throws -> [[String?]] {
        var stmt: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &stmt, nil) == SQLITE_OK, let s = stmt else {
            throw SQLiteError(message: String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(s) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, p) in params.enumerated() {
            if let p {
                sqlite3_bind_text(s, Int32(i + 1), p, -1, transient)
            } else {
                sqlite3_bind_null(s, Int32(i + 1))
            }
        }
        var rows: [[String?]] = []
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                if rc == SQLITE_CONSTRAINT {
                    throw SQLiteError(message: "constraint: \(String(cString: sqlite3_errmsg(db)))")
                }
                throw SQLiteError(message: String(cString: sqlite3_errmsg(db)))
            }
            let n = sqlite3_column_count(s)
            rows.append((0..<n).map { c in sqlite3_column_text(s, c).map { String(cString: $0) } })
        }
        return rows
    }

    private func q(_ sql: String, _ params: [String?] = []) throws -> [[String?]] {
        do { return try Self.query(db, sql, params) } catch let e as SQLiteError {
            throw CatalogError.storage("\(path): \(e.message)")
        }
    }

    private func transaction<T>(_ body: () throws -> T) throws -> T {
        _ = try q("BEGIN IMMEDIATE")
        do {
            let r = try body()
            _ = try q("COMMIT")
            return r
        } catch {
            _ = try? q("ROLLBACK")
            throw error
        }
    }

    /// Creates a namespace (PyIceberg marks it with `exists = true`).
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) throws {
        try transaction {
            guard try !namespaceExistsLocked(namespace) else {
                throw CatalogError.namespaceAlreadyExists(namespace.description)
            }
            let props = properties.isEmpty ? [("exists", "true")] : properties
            for (k, v) in props { try insertProperty(namespace, k, v) }
        }
    }

    private func namespaceExistsLocked(_ namespace: Namespace) throws -> Bool {
        let ns = namespace.description
        let like = ns.replacingAll("!", "!!").replacingAll("_", "!_").replacingAll("%", "!%") + ".%"
        if !(try q(
            "SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND (table_namespace = ? OR table_namespace LIKE ? ESCAPE '!') LIMIT 1",
            [catalogName, ns, like])).isEmpty
        {
            return true
        }
        return
            !(try q(
                "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND (namespace = ? OR namespace LIKE ? ESCAPE '!') LIMIT 1",
                [catalogName, ns, like])).isEmpty
    }

    /// Whether a namespace exists.
    public func namespaceExists(_ namespace: Namespace) throws -> Bool { try namespaceExistsLocked(namespace) }

    /// All namespaces.
    public func allNamespaces() throws -> [Namespace] {
        let a = try q("SELECT DISTINCT table_namespace FROM iceberg_tables WHERE catalog_name = ?", [catalogName])
        let b = try q(
            "SELECT DISTINCT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?", [catalogName])
        let names = Set((a + b).compactMap { $0.first ?? nil })
        return names.compactMap { try? Namespace(parsing: $0) }
    }

    /// Namespace properties (without PyIceberg's `exists` marker).
    public func namespaceProperties(_ namespace: Namespace) throws -> [(String, String)] {
        try q(
            "SELECT property_key, property_value FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? ORDER BY property_key",
            [catalogName, namespace.description]
        ).compactMap { r in
            guard let k = r[0], let v = r[1], k != "exists" else { return nil }
            return (k, v)
        }
    }

    /// Drops a namespace.
    public func dropNamespace(_ namespace: Namespace) throws {
        try q(
            "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?",
            [catalogName, namespace.description])
    }

    /// Tables of a namespace.
    public func tables(in namespace: Namespace) throws -> [TableIdentifier] {
        try q(
            "SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)",
            [catalogName, namespace.description]
        ).compactMap { $0[0].map { TableIdentifier(namespace: namespace, name: $0) } }
    }

    /// The current metadata location.
    public func pointer(_ table: TableIdentifier) throws -> String? {
        try q(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)",
            [catalogName, table.namespace.description, table.name]
        ).first?[0] ?? nil
    }

    /// Registers a table.
    public func createPointer(_ table: TableIdentifier, location: String, metadata: TableMetadata) throws {
        try transaction {
            guard try pointer(table) == nil else { throw CatalogError.tableAlreadyExists(table.description) }
            try q(
                "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, 'TABLE')",
                [catalogName, table.namespace.description, table.name, location])
        }
    }

    /// Compare-and-swap of the metadata location.
    public func swapPointer(_ table: TableIdentifier, expected: String, new: String, metadata: TableMetadata) throws
        -> Bool
    {
        try swapPointers([PointerSwap(table: table, expected: expected, new: new, metadata: metadata)])
    }

    /// Removes a table.
    public func deletePointer(_ table: TableIdentifier) throws {
        try q(
            "DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
            [catalogName, table.namespace.description, table.name])
    }

    /// Sets and removes namespace properties (one transaction).
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        throws
    {
        try transaction {
            for key in removals + updates.map(\.0) {
                try q(
                    "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? AND property_key = ?",
                    [catalogName, namespace.description, key])
            }
            for (k, v) in updates { try insertProperty(namespace, k, v) }
            if try q(
                "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? LIMIT 1",
                [catalogName, namespace.description]
            ).isEmpty {
                // Keep the namespace when its last property goes (PyIceberg's marker).
                try insertProperty(namespace, "exists", "true")
            }
        }
    }

    private func insertProperty(_ namespace: Namespace, _ key: String, _ value: String) throws {
        try q(
            "INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)",
            [catalogName, namespace.description, key, value])
    }

    /// One SQLite transaction moves every pointer.
    public nonisolated var supportsMultiTableSwap: Bool { true }

    /// Moves all pointers or none (rolled back on the first that changed).
    public func swapPointers(_ swaps: [PointerSwap]) throws -> Bool {
        struct Changed: Error {}
        do {
            try transaction {
                for s in swaps {
                    _ = try q(
                        "UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?",
                        [s.new, s.expected, catalogName, s.table.namespace.description, s.table.name, s.expected])
                    guard sqlite3_changes(db) == 1 else { throw Changed() }
                }
            }
            return true
        } catch is Changed {
            return false
        }
    }

    /// Renames a table.
    public func renamePointer(_ from: TableIdentifier, to: TableIdentifier) throws {
        try transaction {
            try q(
                "UPDATE iceberg_tables SET table_namespace = ?, table_name = ? WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?",
                [to.namespace.description, to.name, catalogName, from.namespace.description, from.name])
        }
    }
}

extension String {
    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// Owns a connection; only the owning actor uses it.
final class SQLiteHandle: @unchecked Sendable {
    let db: OpaquePointer
    init(_ db: OpaquePointer) { self.db = db }
    deinit { sqlite3_close(db) }

    /// How long a statement waits for another connection's write lock before failing.
    static let busyTimeoutMs: Int32 = 30_000

    /// Opens (creating) a database file in write-ahead-log mode with `synchronous=FULL`.
    ///
    /// WAL mode, so that readers never block a commit and a commit never blocks them: Java's
    /// JDBC driver keeps a read transaction open between statements, and PyIceberg or another
    /// SDK process may be reading. The mode is stored in the file, so every later client of it
    /// uses it too. The switch needs the file to itself and a file system with shared memory:
    /// without them opening fails rather than committing in another mode. `synchronous=FULL`
    /// syncs the WAL at every commit, so that a committed row survives a power loss (the
    /// files a pointer names were synced before it moved).
    static func open(path: String) throws -> SQLiteHandle {
        var opened: OpaquePointer?
        let rc = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil)
        guard rc == SQLITE_OK, let h = opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let h = opened { sqlite3_close(h) }
            throw SQLiteError(message: "\(path): \(message)")
        }
        let handle = SQLiteHandle(h)
        sqlite3_busy_timeout(h, busyTimeoutMs)
        let mode = try SQLitePointerStore.query(h, "PRAGMA journal_mode=WAL", []).first?.first ?? nil
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(message: "\(path): cannot use write-ahead logging (journal mode \(mode ?? "unknown"))")
        }
        try SQLitePointerStore.exec(h, "PRAGMA synchronous=FULL")
        return handle
    }
}
