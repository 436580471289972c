import JSONSupport

/// Deletes a table's files (data, manifests, manifest lists, metadata), best effort.
enum TablePurge {
    /// Deletes every file the table references.
    static func purge(_ table: Table) async {
        try? await table.io.delete(await referencedFiles(table).sorted())
    }

    /// Every file the table references (`ReachableFiles`, unreadable files skipped). Manifest
    /// lists and manifests that `readable` refuses are listed without being opened.
    static func referencedFiles(_ table: Table, readable: @escaping @Sendable (String) -> Bool = { _ in true }) async
        -> Set<String>
    {
        let files = ReachableFiles(
            metadata: table.metadata, metadataLocation: table.metadataLocation, io: table.io, unreadable: .skip,
            includeDeletedEntries: true, readable: readable)
        return (try? await files.collect()) ?? [table.metadataLocation]
    }
}
