import JSONSupport

/// Deletes a table's files (data, manifests, manifest lists, metadata), best effort.
enum TablePurge {
    static func purge(_ table: Table) async {
        var files = Set<String>()
        for snapshot in table.metadata.snapshots {
            if !snapshot.manifestList.isEmpty { files.insert(snapshot.manifestList) }
            guard let list = try? await table.io.read(snapshot.manifestList),
                let manifests = try? ManifestCodec.readManifestList(list)
            else { continue }
            for m in manifests {
                files.insert(m.path)
                if let bytes = try? await table.io.read(m.path),
                    let entries = try? ManifestCodec.readManifest(
                        bytes, manifest: m, schema: table.metadata.currentSchema,
                        spec: table.metadata.spec(id: m.partitionSpecId))
                {
                    for e in entries { files.insert(e.dataFile.filePath) }
                }
            }
        }
        for e in table.metadata.metadataLog { files.insert(e.metadataFile) }
        files.insert(table.metadataLocation)
        try? await table.io.delete(files.sorted())
    }
}
