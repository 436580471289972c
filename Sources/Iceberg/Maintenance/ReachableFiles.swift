import JSONSupport

/// Every file a table's metadata reaches: its metadata files, statistics files, and through
/// every snapshot its manifest lists, manifests and the data and delete files they hold live
/// (and, for a purge, those of deleted entries too). Orphan removal keeps them; a purge
/// deletes them.
struct ReachableFiles {
    /// What to do with a manifest list, manifest or old metadata file that cannot be read.
    enum Unreadable {
        /// Fail: files it names would otherwise be taken for orphans.
        case fail
        /// Skip it (a purge deletes what it can).
        case skip
    }

    let metadata: TableMetadata
    let metadataLocation: String
    let io: FileIO
    var unreadable: Unreadable = .fail
    /// Whether older metadata files are read for the metadata files their logs name (Java's
    /// recursive listing: files dropped from the log by `write.metadata.previous-versions-max`).
    var followOldMetadata = false
    /// Whether files of deleted manifest entries count. Java's orphan removal counts only live
    /// ones: a file only a deleted entry names is read by no snapshot.
    var includeDeletedEntries = false
    /// Manifest lists and manifests that may not be opened (listed without being read).
    var readable: @Sendable (String) -> Bool = { _ in true }

    /// The files, as their locations are written in the metadata.
    func collect() async throws -> Set<String> {
        var files: Set<String> = [metadataLocation]
        files.formUnion(try await metadataFiles())
        files.formUnion(Self.statisticsFiles(metadata))
        var manifests: [String: ManifestFile?] = [:]
        for snapshot in metadata.snapshots {
            for path in snapshot.inlineManifests ?? [] where manifests[path] == nil { manifests[path] = .some(nil) }
            guard !snapshot.manifestList.isEmpty else { continue }
            files.insert(snapshot.manifestList)
            guard readable(snapshot.manifestList) else { continue }
            guard let listed = try await read(snapshot.manifestList, ManifestCodec.readManifestList) else { continue }
            for m in listed where manifests[m.path] == nil { manifests[m.path] = m }
        }
        files.formUnion(manifests.keys)
        let toRead = manifests.filter { readable($0.key) }.map { (path: $0.key, file: $0.value) }
        for paths in try await entryPaths(toRead) { files.formUnion(paths) }
        return files
    }

    /// The statistics and partition statistics files the metadata names.
    static func statisticsFiles(_ metadata: TableMetadata) -> [String] {
        metadata.extraFields.filter { $0.0 == "statistics" || $0.0 == "partition-statistics" }.flatMap { _, value in
            (value.arrayValue ?? []).compactMap { $0["statistics-path"]?.stringValue }
        }
    }

    /// The metadata files of the log (and, when following old metadata, of the logs of the
    /// oldest files in turn).
    private func metadataFiles() async throws -> Set<String> {
        var files = Set(metadata.metadataLog.map(\.metadataFile))
        guard followOldMetadata else { return files }
        var oldest = metadata.metadataLog.first?.metadataFile
        while let next = oldest {
            guard let bytes = try await readBytes(next) else { break }
            let older: TableMetadata
            do {
                older = try TableMetadata(jsonText: String(decoding: bytes, as: UTF8.self))
            } catch {
                if unreadable == .skip { break }
                throw IcebergError.invalidValue(
                    row: nil, field: next, detail: "metadata file cannot be parsed: \(error)")
            }
            let new = older.metadataLog.map(\.metadataFile).filter { !files.contains($0) }
            files.formUnion(new)
            oldest = new.isEmpty ? nil : older.metadataLog.first?.metadataFile
        }
        return files
    }

    /// The data and delete file paths of each manifest, read eight at a time.
    private func entryPaths(_ manifests: [(path: String, file: ManifestFile?)]) async throws -> [[String]] {
        let schema = metadata.currentSchema
        let specs = metadata.partitionSpecs
        let includeDeleted = includeDeletedEntries
        return try await mapConcurrently(manifests) { m in
            let spec = m.file.flatMap { f in specs.first { $0.specId == f.partitionSpecId } }
            let entries = try await read(m.path) {
                try ManifestCodec.readManifest($0, manifest: m.file, schema: schema, spec: spec)
            }
            return (entries ?? []).filter { includeDeleted || $0.status != .deleted }.map(\.dataFile.filePath)
        }
    }

    private func readBytes(_ location: String) async throws -> [UInt8]? {
        do {
            return try await io.read(location)
        } catch {
            if unreadable == .skip { return nil }
            throw error
        }
    }

    private func read<T>(_ location: String, _ decode: ([UInt8]) throws -> T) async throws -> T? {
        guard let bytes = try await readBytes(location) else { return nil }
        do {
            return try decode(bytes)
        } catch {
            if unreadable == .skip { return nil }
            throw IcebergError.invalidValue(row: nil, field: location, detail: "cannot be read: \(error)")
        }
    }
}
