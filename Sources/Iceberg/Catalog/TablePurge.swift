import JSONSupport

/// Deletes a table's files (data, manifests, manifest lists, metadata), best effort.
enum TablePurge {
    /// Deletes every file the table references.
    static func purge(_ table: Table) async {
        try? await table.io.delete(await referencedFiles(table).sorted())
    }

    /// Every file the table references: its metadata files, and through every snapshot its
    /// manifest lists, manifests and data and delete files. Manifest lists and manifests that
    /// `readable` refuses are listed without being opened.
    static func referencedFiles(_ table: Table, readable: (String) -> Bool = { _ in true }) async -> Set<String> {
        var files = Set<String>()
        for snapshot in table.metadata.snapshots {
            var manifests = (snapshot.inlineManifests ?? []).map { (path: $0, file: ManifestFile?.none) }
            if !snapshot.manifestList.isEmpty {
                files.insert(snapshot.manifestList)
                if readable(snapshot.manifestList), let list = try? await table.io.read(snapshot.manifestList),
                    let listed = try? ManifestCodec.readManifestList(list)
                {
                    manifests += listed.map { ($0.path, $0) }
                }
            }
            for m in manifests {
                files.insert(m.path)
                guard readable(m.path), let bytes = try? await table.io.read(m.path),
                    let entries = try? ManifestCodec.readManifest(
                        bytes, manifest: m.file, schema: table.metadata.currentSchema,
                        spec: m.file.flatMap { table.metadata.spec(id: $0.partitionSpecId) })
                else { continue }
                for e in entries { files.insert(e.dataFile.filePath) }
            }
        }
        for e in table.metadata.metadataLog { files.insert(e.metadataFile) }
        files.insert(table.metadataLocation)
        return files
    }
}
