import JSONSupport

/// A catalog that stores table metadata as files and tracks the current file through a
/// `MetadataPointerStore` (SQLite rows, memory, later S3 Tables and Glue).
public struct PointerCatalog<Store: MetadataPointerStore>: Catalog {
    /// The catalog name.
    public let name: String
    /// Storage for table files.
    public let io: FileIO
    /// The pointer store.
    public let store: Store
    /// Default location root for new tables.
    public let warehouse: String
    /// The warehouse, unless the store assigns table locations itself (S3 Tables).
    public var warehouseLocation: String? { store.managesStorage ? nil : warehouse }
    /// Parsed metadata by location. Metadata files are immutable (created exclusively), so
    /// a location always maps to the same content.
    private let cache = MetadataCache()

    /// Creates a catalog.
    public init(name: String, warehouse: String, io: FileIO, store: Store) {
        self.name = name
        self.warehouse = warehouse.hasSuffix("/") ? String(warehouse.dropLast()) : warehouse
        self.io = io
        self.store = store
    }

    /// Creates a namespace.
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        try Self.checkLength(namespace)
        try await store.createNamespace(namespace, properties: properties)
    }

    /// The longest namespace (levels joined by `.`) and table name, in UTF-8 bytes: the
    /// `VARCHAR(255)` columns of Java's and PyIceberg's SQL catalogs, and a folder name's limit.
    public static var maxNameBytes: Int { 255 }

    /// Throws unless the namespace, and the table name if given, fit `maxNameBytes`.
    private static func checkLength(_ namespace: Namespace, table: String? = nil) throws {
        for (kind, name) in [("namespace", namespace.levels.joined(separator: ".")), ("table", table ?? "")]
        where name.utf8.count > maxNameBytes {
            throw CatalogError.invalidArgument(
                "\(kind) name of \(name.utf8.count) bytes is longer than \(maxNameBytes): '\(name.prefix(40))…'")
        }
    }

    /// Lists namespaces.
    public func listNamespaces(parent: Namespace?) async throws -> [Namespace] {
        let all = try await store.allNamespaces()
        let depth = (parent?.levels.count ?? 0) + 1
        var out = Set<Namespace>()
        for ns in all where ns.levels.count >= depth {
            if let p = parent, Array(ns.levels.prefix(p.levels.count)) != p.levels { continue }
            out.insert(Namespace(Array(ns.levels.prefix(depth))))
        }
        return out.sorted { $0.description < $1.description }
    }

    /// Namespace properties.
    public func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
        guard try await store.namespaceExists(namespace) else {
            throw CatalogError.noSuchNamespace(namespace.description)
        }
        return try await store.namespaceProperties(namespace)
    }

    /// Drops an empty namespace.
    public func dropNamespace(_ namespace: Namespace) async throws {
        guard try await store.namespaceExists(namespace) else {
            throw CatalogError.noSuchNamespace(namespace.description)
        }
        guard try await store.tables(in: namespace).isEmpty else {
            throw CatalogError.namespaceNotEmpty(namespace.description)
        }
        try await store.dropNamespace(namespace)
    }

    /// Whether a namespace exists.
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool {
        try await store.namespaceExists(namespace)
    }

    /// Sets and removes namespace properties.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        async throws -> NamespacePropertiesChange
    {
        guard try await store.namespaceExists(namespace) else {
            throw CatalogError.noSuchNamespace(namespace.description)
        }
        let updateKeys = Set(updates.map(\.0))
        if let both = removals.first(where: { updateKeys.contains($0) }) {
            throw CatalogError.invalidArgument("property '\(both)' is both set and removed")
        }
        let before = Set(try await store.namespaceProperties(namespace).map(\.0))
        try await store.updateNamespaceProperties(namespace, removals: removals, updates: updates)
        return NamespacePropertiesChange(
            updated: updates.map(\.0), removed: removals.filter { before.contains($0) },
            missing: removals.filter { !before.contains($0) })
    }

    /// Lists tables.
    public func listTables(_ namespace: Namespace) async throws -> [TableIdentifier] {
        guard try await store.namespaceExists(namespace) else {
            throw CatalogError.noSuchNamespace(namespace.description)
        }
        return try await store.tables(in: namespace).sorted { $0.name < $1.name }
    }

    /// Whether a table exists.
    public func tableExists(_ identifier: TableIdentifier) async throws -> Bool {
        try await store.pointer(identifier) != nil
    }

    /// The default location of a table (`warehouse/ns.db/table`, as PyIceberg's SqlCatalog).
    /// Names become path segments, so each must be one: not empty, `.` or `..`, and without
    /// `/`, `\` or control characters — a name cannot place a table outside the warehouse.
    public func defaultLocation(_ identifier: TableIdentifier) throws -> String {
        for (kind, name) in identifier.namespace.levels.map({ ("namespace", $0) }) + [("table", identifier.name)] {
            let bad = name.unicodeScalars.first { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
            guard !name.isEmpty, name != ".", name != "..", bad == nil else {
                throw CatalogError.invalidArgument(
                    "\(kind) name '\(name.debugDescription.dropFirst().dropLast())' cannot be a folder of the table's location"
                        + " (empty, '.', '..', '/', '\\' or a control character); give the table a location")
            }
        }
        let folder = identifier.namespace.levels.joined(separator: ".") + ".db"
        guard folder.utf8.count <= Self.maxNameBytes else {
            throw CatalogError.invalidArgument(
                "namespace folder '\(folder.prefix(40))…' is longer than \(Self.maxNameBytes) bytes; give the table a location"
            )
        }
        return "\(warehouse)/\(folder)/\(identifier.name)"
    }

    /// Creates a table: writes version 0 of its metadata and registers it.
    public func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table {
        try await createTable(identifier, location: creation.location) {
            try Self.initialMetadata(creation, location: $0)
        }
    }

    /// Version 0 of a new table's metadata.
    private static func initialMetadata(_ creation: TableCreation, location: String) throws -> TableMetadata {
        do {
            return try TableMetadata.newTable(
                schema: creation.schema, spec: creation.spec, sortOrder: creation.sortOrder, location: location,
                properties: creation.properties, formatVersion: creation.formatVersion, tableUUID: RandomUUID.make(),
                now: WallClock.nowMs())
        } catch let error as MetadataChangeError {
            throw CatalogError.invalidArgument(error.description)
        }
    }

    /// Throws unless the names fit, the namespace exists and the table does not.
    private func requireNewTable(_ identifier: TableIdentifier) async throws {
        try Self.checkLength(identifier.namespace, table: identifier.name)
        guard try await store.namespaceExists(identifier.namespace) else {
            throw CatalogError.noSuchNamespace(identifier.namespace.description)
        }
        guard try await store.pointer(identifier) == nil else {
            throw CatalogError.tableAlreadyExists(identifier.description)
        }
    }

    /// The metadata `createTable` would write, nothing created. Stores that assign locations
    /// (S3 Tables) cannot stage: the location exists only once the table does.
    public func stageCreateTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> StagedTable {
        guard !store.managesStorage else {
            throw CatalogError.unsupported(
                "\(name) assigns table locations at creation; create the table instead of staging it")
        }
        try await requireNewTable(identifier)
        let location = try creation.location.map(Self.trimSlash) ?? defaultLocation(identifier)
        return StagedTable(identifier: identifier, metadata: try Self.initialMetadata(creation, location: location))
    }

    /// Registers an existing metadata file as a new table.
    public func registerTable(_ identifier: TableIdentifier, metadataLocation: String) async throws -> Table {
        try await requireNewTable(identifier)
        let metadata = try await readMetadata(metadataLocation)
        try await store.createPointer(identifier, location: metadataLocation, metadata: metadata)
        return Table(
            identifier: identifier, metadata: metadata, metadataLocation: metadataLocation, io: io, catalog: self)
    }

    /// Writes version 0 of a new table's metadata (built by `build` from the table location)
    /// and registers it; on failure nothing is left behind.
    private func createTable(
        _ identifier: TableIdentifier, location requested: String?,
        build: (String) throws -> TableMetadata
    ) async throws -> Table {
        try await requireNewTable(identifier)
        let reserved = try await store.reserveTable(identifier)
        if reserved != nil, requested != nil {
            await store.releaseReservation(identifier)
            throw CatalogError.invalidArgument("\(identifier): this catalog assigns table locations; do not give one")
        }
        let metadata: TableMetadata
        do {
            metadata = try build((reserved ?? requested).map(Self.trimSlash) ?? defaultLocation(identifier))
        } catch {
            await store.releaseReservation(identifier)
            throw error
        }
        let path = Self.metadataPath(location: metadata.location, version: 0)
        do {
            try await io.writeExclusive(path, metadata.json.serializedBytes())
        } catch {
            await store.releaseReservation(identifier)
            throw error
        }
        do {
            try await store.createPointer(identifier, location: path, metadata: metadata)
        } catch {
            if (try? await store.pointer(identifier)) == path {
                // The registration landed although its answer was lost.
                return Table(identifier: identifier, metadata: metadata, metadataLocation: path, io: io, catalog: self)
            }
            try? await io.delete(path)
            await store.releaseReservation(identifier)
            throw error
        }
        await cache.put(path, metadata)
        return Table(identifier: identifier, metadata: metadata, metadataLocation: path, io: io, catalog: self)
    }

    private static func trimSlash(_ location: String) -> String {
        location.hasSuffix("/") ? String(location.dropLast()) : location
    }

    /// Loads a table.
    public func loadTable(_ identifier: TableIdentifier) async throws -> Table {
        guard let pointer = try await store.pointer(identifier) else {
            throw CatalogError.noSuchTable(identifier.description)
        }
        return Table(
            identifier: identifier, metadata: try await readMetadata(pointer), metadataLocation: pointer, io: io,
            catalog: self)
    }

    /// Reads and parses a metadata file (cached: metadata files never change).
    private func readMetadata(_ location: String) async throws -> TableMetadata {
        if let cached = await cache.get(location) { return cached }
        let bytes = try await io.read(location)
        let metadata: TableMetadata
        do { metadata = try TableMetadata(jsonText: String(decoding: bytes, as: UTF8.self)) } catch {
            throw CatalogError.storage("\(location): \(error)")
        }
        await cache.put(location, metadata)
        return metadata
    }

    /// Drops a table (and with `purge` its data, manifests and metadata files).
    public func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws {
        let table = try await loadTable(identifier)
        try await store.deletePointer(identifier)
        if purge, !store.managesStorage { await TablePurge.purge(table) }
    }

    /// Renames a table.
    public func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws {
        guard try await store.pointer(from) != nil else { throw CatalogError.noSuchTable(from.description) }
        guard try await store.namespaceExists(to.namespace) else {
            throw CatalogError.noSuchNamespace(to.namespace.description)
        }
        guard try await store.pointer(to) == nil else { throw CatalogError.tableAlreadyExists(to.description) }
        try Self.checkLength(to.namespace, table: to.name)
        try await store.renamePointer(from, to: to)
    }

    /// Commits: check requirements on the current metadata, apply updates, write the next
    /// metadata file, then compare-and-swap the pointer. With `.assertCreate` the table is
    /// created from the updates instead (a staged create).
    public func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> Table
    {
        if requirements.contains(.assertCreate) {
            guard !store.managesStorage else {
                throw CatalogError.unsupported(
                    "\(name) assigns table locations at creation; create the table instead of staging it")
            }
            do {
                return try await createTable(identifier, location: nil) { location in
                    try TableMetadata.fromCreationUpdates(updates, defaultLocation: location, now: WallClock.nowMs())
                }
            } catch CatalogError.tableAlreadyExists {
                throw CatalogError.commitConflict("\(identifier): the table already exists")
            }
        }
        let current = try await loadTable(identifier)
        let next = try await writeNextMetadata(current, requirements: requirements, updates: updates)
        try await swapPointer(identifier, expected: current.metadataLocation, new: next.path, metadata: next.metadata)
        return await finishCommit(identifier, next)
    }

    /// Multi-table commits are atomic when the store can move several pointers at once.
    public var supportsTransactions: Bool { store.supportsMultiTableSwap }

    /// Commits changes to several tables at once: every requirement is checked and every
    /// metadata file written, then all pointers move together or none does.
    public func commitTransaction(_ commits: [TableCommit]) async throws -> [Table] {
        guard store.supportsMultiTableSwap else {
            throw CatalogError.unsupported("multi-table transactions in this catalog")
        }
        guard Set(commits.map(\.identifier)).count == commits.count else {
            throw CatalogError.invalidArgument("a transaction changes each table once")
        }
        var prepared: [(TableIdentifier, current: String, next: NextMetadata)] = []
        do {
            for c in commits {
                guard !c.requirements.contains(.assertCreate) else {
                    throw CatalogError.unsupported("creating tables inside a multi-table transaction")
                }
                let current = try await loadTable(c.identifier)
                prepared.append(
                    (
                        c.identifier, current.metadataLocation,
                        try await writeNextMetadata(current, requirements: c.requirements, updates: c.updates)
                    ))
            }
        } catch {
            try? await io.delete(prepared.map(\.next.path))
            throw error
        }
        guard let first = prepared.first else { return [] }
        let swaps = prepared.map {
            PointerSwap(table: $0.0, expected: $0.current, new: $0.next.path, metadata: $0.next.metadata)
        }
        var failure: Error? = nil
        var landed = false
        do {
            landed = try await store.swapPointers(swaps)
        } catch {
            failure = error
        }
        if !landed {
            // Read back one pointer: the swap is all or nothing.
            let pointer = try? await store.pointer(first.0)
            var superseded = false
            if let pointer, pointer != first.next.path {
                superseded = try await supersedes(pointer, first.next.path, first.0)
            }
            if pointer != first.next.path && !superseded {
                if let failure, pointer == nil {
                    throw CatalogError.commitStateUnknown(
                        "transaction: \(failure); the new metadata files may or may not be current")
                }
                try? await io.delete(prepared.map(\.next.path))
                throw failure ?? CatalogError.commitConflict("a table of the transaction was changed by another commit")
            }
        }
        var out: [Table] = []
        for p in prepared { out.append(await finishCommit(p.0, p.next)) }
        return out
    }

    /// Whether `path` became current and another commit has since moved on from it (the
    /// current metadata at `pointer` logs it), as Java's commit-status check looks: a request
    /// retried after a lost answer may have landed before another writer's. Unreadable current
    /// metadata leaves the outcome unknown, and nothing is deleted.
    private func supersedes(_ pointer: String, _ path: String, _ identifier: TableIdentifier) async throws -> Bool {
        do {
            return try await readMetadata(pointer).metadataLog.contains { $0.metadataFile == path }
        } catch {
            throw CatalogError.commitStateUnknown(
                "\(identifier): the current metadata \(pointer) is unreadable (\(error)); \(path) may or may not have landed"
            )
        }
    }

    /// A written, not yet current, metadata file.
    private struct NextMetadata {
        var metadata: TableMetadata
        var path: String
        var expired: [String]
    }

    /// Checks requirements, applies updates and writes the next metadata file.
    private func writeNextMetadata(_ current: Table, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> NextMetadata
    {
        for r in requirements { try r.check(current.metadata) }
        var next = current.metadata
        let now = WallClock.nowMs()
        var added = AddedInCommit()
        for u in updates { try u.apply(to: &next, now: now, added: &added) }
        let expired = try next.completeCommit(
            previousLocation: current.metadataLocation, previousUpdatedMs: current.metadata.lastUpdatedMs, now: now)
        let version = (Self.version(of: current.metadataLocation) ?? next.metadataLog.count - 1) + 1
        let path = Self.metadataPath(location: next.location, version: version)
        do {
            try await io.writeExclusive(path, parts: await cache.serialize(next))
        } catch FileIOError.alreadyExists {
            throw CatalogError.commitConflict("metadata version \(version) was written by another commit")
        }
        return NextMetadata(metadata: next, path: path, expired: expired)
    }

    /// After the pointer moved: cache the new metadata and remove expired metadata files.
    private func finishCommit(_ identifier: TableIdentifier, _ next: NextMetadata) async -> Table {
        await cache.put(next.path, next.metadata)
        if (try? next.metadata.value(of: TableProperties.metadataDeleteAfterCommit)) == true {
            try? await io.delete(next.expired)
        }
        return Table(
            identifier: identifier, metadata: next.metadata, metadataLocation: next.path, io: io, catalog: self)
    }

    /// Moves the pointer from `expected` to `path`, returning only once `path` is current.
    /// When the store answers with a conflict or an error, the pointer is read back first: a
    /// retried request may have landed before its retry saw the conflict, or an answer may
    /// have been lost. Readable and not ours: the commit did not land and `path` is removed.
    /// Unreadable after an error: the outcome is unknown and nothing is deleted.
    private func swapPointer(_ identifier: TableIdentifier, expected: String, new path: String, metadata: TableMetadata)
        async throws
    {
        var failure: Error? = nil  // nil: the store answered that the pointer had moved
        do {
            if try await store.swapPointer(identifier, expected: expected, new: path, metadata: metadata) { return }
        } catch {
            failure = error
        }
        let pointer = try? await store.pointer(identifier)
        if pointer == path { return }
        if let pointer, try await supersedes(pointer, path, identifier) { return }
        guard let failure else {
            try? await io.delete(path)
            throw CatalogError.commitConflict("\(identifier) was changed by another commit")
        }
        guard let pointer else {
            throw CatalogError.commitStateUnknown(
                "\(identifier): \(failure); the new metadata \(path) may or may not be current")
        }
        try? await io.delete(path)
        if pointer != expected {
            throw CatalogError.commitConflict("\(identifier) was changed by another commit (after: \(failure))")
        }
        throw failure
    }

    /// `location/metadata/NNNNN-uuid.metadata.json`.
    public static func metadataPath(location: String, version: Int) -> String {
        "\(location)/metadata/\(zeroPadded(version, 5))-\(RandomUUID.make()).metadata.json"
    }

    /// The version number at the start of a metadata file name.
    static func version(of location: String) -> Int? {
        let file = location.split(separator: "/").last.map(String.init) ?? ""
        guard let dash = file.firstIndex(of: "-") else { return nil }
        return Int(file[..<dash])
    }
}
