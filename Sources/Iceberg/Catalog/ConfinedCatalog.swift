/// A catalog its callers cannot lead outside allowed locations (`iceberg serve` serves its
/// catalog through one, as Polaris and Lakekeeper confine tables to their warehouse).
///
/// Every location a caller names is checked before anything is read or written: a new
/// table's location and folder properties, `set-location`, `set-properties` of the folder
/// properties, every `add-snapshot`'s manifest list, the manifests it lists and the data and
/// delete files of the manifests that are new to the table, and everything a registered
/// metadata file names. A violation is `CatalogError.forbidden` naming the field.
///
/// A purge deletes only files under the table's own location — never the files that another
/// table whose location overlaps it references, and nothing while a table of the catalog
/// cannot be loaded — and opens only manifest lists and manifests inside the allowed locations.
public struct ConfinedCatalog: Catalog {
    /// The catalog that does the work.
    public let base: any Catalog
    /// The allowed locations.
    public let confinement: LocationConfinement

    /// Confines `base` to `locations` (typically its warehouse).
    public init(_ base: any Catalog, allowing locations: [String]) throws {
        self.base = base
        confinement = try LocationConfinement(allowing: locations, io: base.io)
    }

    /// The base catalog's name.
    public var name: String { base.name }
    /// The base catalog's FileIO.
    public var io: FileIO { base.io }
    /// The base catalog's warehouse.
    public var warehouseLocation: String? { base.warehouseLocation }
    /// Whether the base catalog commits several tables atomically.
    public var supportsTransactions: Bool { base.supportsTransactions }

    /// Creates a namespace.
    public func createNamespace(_ namespace: Namespace, properties: [(String, String)]) async throws {
        try await base.createNamespace(namespace, properties: properties)
    }
    /// Lists namespaces.
    public func listNamespaces(parent: Namespace?) async throws -> [Namespace] {
        try await base.listNamespaces(parent: parent)
    }
    /// A namespace's properties.
    public func namespaceProperties(_ namespace: Namespace) async throws -> [(String, String)] {
        try await base.namespaceProperties(namespace)
    }
    /// Drops an empty namespace.
    public func dropNamespace(_ namespace: Namespace) async throws { try await base.dropNamespace(namespace) }
    /// Whether a namespace exists.
    public func namespaceExists(_ namespace: Namespace) async throws -> Bool {
        try await base.namespaceExists(namespace)
    }
    /// Sets and removes namespace properties.
    public func updateNamespaceProperties(_ namespace: Namespace, removals: [String], updates: [(String, String)])
        async throws -> NamespacePropertiesChange
    {
        try await base.updateNamespaceProperties(namespace, removals: removals, updates: updates)
    }
    /// Lists the tables of a namespace.
    public func listTables(_ namespace: Namespace) async throws -> [TableIdentifier] {
        try await base.listTables(namespace)
    }
    /// Whether a table exists.
    public func tableExists(_ identifier: TableIdentifier) async throws -> Bool {
        try await base.tableExists(identifier)
    }
    /// Loads a table.
    public func loadTable(_ identifier: TableIdentifier) async throws -> Table { try await base.loadTable(identifier) }
    /// Renames a table.
    public func renameTable(_ from: TableIdentifier, to: TableIdentifier) async throws {
        try await base.renameTable(from, to: to)
    }

    /// Creates a table whose location and folder properties are inside.
    public func createTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> Table {
        try checkCreation(creation)
        return try await base.createTable(identifier, creation)
    }

    /// Stages a table whose location and folder properties are inside.
    public func stageCreateTable(_ identifier: TableIdentifier, _ creation: TableCreation) async throws -> StagedTable {
        try checkCreation(creation)
        return try await base.stageCreateTable(identifier, creation)
    }

    /// Registers a metadata file that is inside and names only locations inside.
    public func registerTable(_ identifier: TableIdentifier, metadataLocation: String) async throws -> Table {
        try confinement.check(metadataLocation, "metadata-location")
        let metadata: TableMetadata
        do {
            metadata = try TableMetadata(jsonText: String(decoding: try await io.read(metadataLocation), as: UTF8.self))
        } catch {
            throw CatalogError.invalidArgument(
                "metadata-location '\(metadataLocation)' is not table metadata: \(error)")
        }
        try confinement.check(metadata.location, "the registered metadata's location")
        try checkProperties(metadata.properties, "the registered metadata's properties")
        for entry in metadata.metadataLog {
            try confinement.check(entry.metadataFile, "the registered metadata's metadata-log")
        }
        for snapshot in metadata.snapshots {
            let field = "the registered metadata's snapshot \(snapshot.snapshotId)"
            if !snapshot.manifestList.isEmpty { try confinement.check(snapshot.manifestList, "\(field) manifest-list") }
            for m in snapshot.inlineManifests ?? [] { try confinement.check(m, "\(field) manifests") }
        }
        for (key, value) in metadata.extraFields where key == "statistics" || key == "partition-statistics" {
            for file in value.arrayValue ?? [] {
                if let path = file["statistics-path"]?.stringValue {
                    try confinement.check(path, "the registered metadata's \(key)")
                }
            }
        }
        return try await base.registerTable(identifier, metadataLocation: metadataLocation)
    }

    /// Commits updates whose locations are inside.
    public func commitTable(_ identifier: TableIdentifier, requirements: [TableRequirement], updates: [TableUpdate])
        async throws -> Table
    {
        let current = requirements.contains(.assertCreate) ? nil : try await base.loadTable(identifier)
        try await checkUpdates(updates, of: current, identifier)
        return try await base.commitTable(identifier, requirements: requirements, updates: updates)
    }

    /// Commits several tables' updates whose locations are inside.
    public func commitTransaction(_ commits: [TableCommit]) async throws -> [Table] {
        for c in commits {
            let current = c.requirements.contains(.assertCreate) ? nil : try await base.loadTable(c.identifier)
            try await checkUpdates(c.updates, of: current, c.identifier)
        }
        return try await base.commitTransaction(commits)
    }

    /// Drops a table; a purge deletes only files under the table's location that no table
    /// whose location overlaps it references.
    public func dropTable(_ identifier: TableIdentifier, purge: Bool) async throws {
        guard purge else { return try await base.dropTable(identifier, purge: false) }
        let table = try await base.loadTable(identifier)
        try await base.dropTable(identifier, purge: false)
        guard let own = confinement.canonical(table.metadata.location), confinement.contains(own) else { return }
        // A table that cannot be loaded might hold files under this location: then nothing is
        // deleted (the files stay for orphan removal).
        guard let others = try? await allTables() else { return }
        var keep = Set<String>()
        for other in others {
            guard let location = confinement.canonical(other.metadata.location),
                LocationConfinement.isWithin(location, own) || LocationConfinement.isWithin(own, location)
            else { continue }
            for file in await TablePurge.referencedFiles(other, readable: confinement.contains) {
                if let c = confinement.canonical(file) { keep.insert(c) }
            }
        }
        let doomed = await TablePurge.referencedFiles(table, readable: confinement.contains).filter { file in
            guard let c = confinement.canonical(file) else { return false }
            return LocationConfinement.isWithin(c, own) && !keep.contains(c)
        }
        try? await io.delete(doomed.sorted())
    }

    // MARK: Checks

    private func checkCreation(_ creation: TableCreation) throws {
        if let location = creation.location { try confinement.check(location, "location") }
        try checkProperties(creation.properties, "properties")
    }

    private func checkProperties(_ properties: [(String, String)], _ field: String) throws {
        for property in TableProperties.folderProperties {
            for (key, value) in properties where key == property.key {
                try confinement.check(value, "\(field) '\(key)'")
            }
        }
    }

    private func checkUpdates(_ updates: [TableUpdate], of table: Table?, _ identifier: TableIdentifier) async throws {
        for update in updates {
            switch update {
            case .setLocation(let location):
                try confinement.check(location, "\(identifier): set-location 'location'")
            case .setProperties(let properties):
                try checkProperties(properties, "\(identifier): set-properties")
            case .addSnapshot(let snapshot):
                try await checkSnapshot(snapshot, of: table, identifier)
            default:
                break
            }
        }
    }

    /// The manifest list, every manifest it lists and the files of manifests the snapshot's
    /// parent does not list (the ones this commit brings).
    private func checkSnapshot(_ snapshot: Snapshot, of table: Table?, _ identifier: TableIdentifier) async throws {
        let field = "\(identifier): add-snapshot \(snapshot.snapshotId)"
        var manifests: [(path: String, file: ManifestFile?)] = []
        for m in snapshot.inlineManifests ?? [] {
            try confinement.check(m, "\(field) 'manifests'")
            manifests.append((m, nil))
        }
        if !snapshot.manifestList.isEmpty {
            try confinement.check(snapshot.manifestList, "\(field) 'manifest-list'")
            let listed = try await readManifestList(snapshot.manifestList, "\(field) 'manifest-list'")
            for m in listed {
                try confinement.check(m.path, "\(field): a manifest its manifest list names")
                manifests.append((m.path, m))
            }
        }
        var known = Set<String>()
        if let table, let parentId = snapshot.parentSnapshotId,
            let parent = table.metadata.snapshots.first(where: { $0.snapshotId == parentId })
        {
            known.formUnion(parent.inlineManifests ?? [])
            if !parent.manifestList.isEmpty, confinement.contains(parent.manifestList) {
                known.formUnion(((try? await readManifestList(parent.manifestList, "")) ?? []).map(\.path))
            }
        }
        let schema = try table?.metadata.currentSchema ?? Schema(fields: [])
        for m in manifests where !known.contains(m.path) {
            let entries: [ManifestEntry]
            do {
                entries = try ManifestCodec.readManifest(
                    try await io.read(m.path), manifest: m.file, schema: schema, spec: nil)
            } catch {
                throw CatalogError.invalidArgument("\(field): manifest '\(m.path)' cannot be read: \(error)")
            }
            for e in entries {
                try confinement.check(e.dataFile.filePath, "\(field): a file manifest '\(m.path)' names")
            }
        }
    }

    private func readManifestList(_ location: String, _ field: String) async throws -> [ManifestFile] {
        do {
            return try ManifestCodec.readManifestList(try await io.read(location))
        } catch {
            throw CatalogError.invalidArgument("\(field) '\(location)' cannot be read: \(error)")
        }
    }

    /// Every table of the catalog, loaded; throws if one cannot be.
    private func allTables() async throws -> [Table] {
        var tables: [Table] = []
        var pending = try await base.listNamespaces(parent: nil)
        while let namespace = pending.popLast() {
            pending += try await base.listNamespaces(parent: namespace)
            for id in try await base.listTables(namespace) { tables.append(try await base.loadTable(id)) }
        }
        return tables
    }
}
