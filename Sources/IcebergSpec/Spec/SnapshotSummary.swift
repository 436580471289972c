/// Snapshot summary fields (the spec's Appendix F names, with Java's counting rules).
package enum SnapshotSummary {
    /// The summary of a snapshot that adds `added` and removes `removed` data files. Added
    /// fields appear when files were added or none were removed (an append always has them);
    /// deleted fields when files were removed. As in Java and PyIceberg, `deleted-records`
    /// counts every row of the removed files.
    /// `addedDeletes` and `removedDeletes` are position-delete files, deletion vectors and equality-delete files
    /// (their sizes count in `added-files-size` and `removed-files-size`, as Java counts every
    /// content file; a vector by its blob).
    package static func make(
        operation: String, added: [DataFile], removed: [DataFile], parent: Snapshot?, addedDeletes: [DataFile] = [],
        removedDeletes: [DataFile] = []
    ) -> [(String, String)] {
        let addedRecords = added.reduce(0) { $0 + $1.recordCount }
        let addedDataBytes = added.reduce(0) { $0 + $1.fileSizeInBytes }
        // A deletion vector counts its blob, not the Puffin file it shares (Java's contentSizeInBytes).
        func size(_ f: DataFile) -> Int64 { f.isDeletionVector ? (f.contentSizeInBytes ?? 0) : f.fileSizeInBytes }
        let addedDeleteBytes = addedDeletes.reduce(0) { $0 + size($1) }
        let removedRecords = removed.reduce(0) { $0 + $1.recordCount }
        let removedBytes = removed.reduce(0) { $0 + $1.fileSizeInBytes }
        let removedDeleteBytes = removedDeletes.reduce(0) { $0 + size($1) }
        /// Rows of position deletes and of equality deletes among `files`.
        func rows(_ files: [DataFile], _ content: FileContent) -> Int64 {
            files.reduce(0) { $0 + ($1.content == content ? $1.recordCount : 0) }
        }
        let addedPositions = rows(addedDeletes, .positionDeletes)
        let addedEqualities = rows(addedDeletes, .equalityDeletes)
        let removedPositions = rows(removedDeletes, .positionDeletes)
        let removedEqualities = rows(removedDeletes, .equalityDeletes)
        let partitions = Set(
            (removed + added + addedDeletes + removedDeletes).map { $0.partition.map { $0?.description ?? "null" } }
        )
        .count
        var out: [(String, String)] = [("operation", operation)]
        if !added.isEmpty || (removed.isEmpty && addedDeletes.isEmpty) {
            out += [("added-data-files", String(added.count)), ("added-records", String(addedRecords))]
        }
        // Java's names: delete files, then position-delete files, DVs and equality-delete files, then the rows.
        func kinds(_ files: [DataFile], _ verb: String) -> [(String, String)] {
            let vectors = files.filter(\.isDeletionVector).count
            let equality = files.filter { $0.content == .equalityDeletes }.count
            let positionFiles = files.count - vectors - equality
            var out: [(String, String)] = [("\(verb)-delete-files", String(files.count))]
            if positionFiles > 0 { out.append(("\(verb)-position-delete-files", String(positionFiles))) }
            if vectors > 0 { out.append(("\(verb)-dvs", String(vectors))) }
            if equality > 0 { out.append(("\(verb)-equality-delete-files", String(equality))) }
            let positions = rows(files, .positionDeletes)
            let equalities = rows(files, .equalityDeletes)
            if positionFiles + vectors > 0 { out.append(("\(verb)-position-deletes", String(positions))) }
            if equality > 0 { out.append(("\(verb)-equality-deletes", String(equalities))) }
            return out
        }
        if !addedDeletes.isEmpty { out += kinds(addedDeletes, "added") }
        if !added.isEmpty || !addedDeletes.isEmpty || removed.isEmpty {
            out.append(("added-files-size", String(addedDataBytes + addedDeleteBytes)))
        }
        if !removed.isEmpty {
            out += [("deleted-data-files", String(removed.count)), ("deleted-records", String(removedRecords))]
        }
        if !removedDeletes.isEmpty { out += kinds(removedDeletes, "removed") }
        if !removed.isEmpty || !removedDeletes.isEmpty {
            out.append(("removed-files-size", String(removedBytes + removedDeleteBytes)))
        }
        out.append(("changed-partition-count", String(partitions)))
        return out
            + totals(
                parent: parent, records: addedRecords - removedRecords,
                bytes: addedDataBytes + addedDeleteBytes - removedBytes - removedDeleteBytes,
                dataFiles: Int64(added.count - removed.count),
                deleteFiles: Int64(addedDeletes.count - removedDeletes.count),
                positionDeletes: addedPositions - removedPositions, equalityDeletes: addedEqualities - removedEqualities
            )
    }

    /// The parent's `total-*` fields changed by the given numbers of records, bytes, data
    /// files, delete files, position deletes and equality deletes.
    package static func totals(
        parent: Snapshot?, records: Int64, bytes: Int64, dataFiles: Int64, deleteFiles: Int64 = 0,
        positionDeletes: Int64 = 0, equalityDeletes: Int64 = 0
    ) -> [(String, String)] {
        func total(_ key: String) -> Int64 { Int64(parent?.summary(key) ?? "") ?? 0 }
        return [
            ("total-records", String(total("total-records") + records)),
            ("total-files-size", String(total("total-files-size") + bytes)),
            ("total-data-files", String(total("total-data-files") + dataFiles)),
            ("total-delete-files", String(total("total-delete-files") + deleteFiles)),
            ("total-position-deletes", String(total("total-position-deletes") + positionDeletes)),
            ("total-equality-deletes", String(total("total-equality-deletes") + equalityDeletes)),
        ]
    }
}

extension ManifestFile {
    /// The manifest-list entry of a data manifest written by snapshot `snapshotId` with
    /// `entries`: file and row counts per status, the lowest data sequence number of the live
    /// entries (inherited ones take `sequenceNumber`) and the partition field summaries.
    package static func describing(
        _ entries: [ManifestEntry], path: String, length: Int, spec: PartitionSpec, schema: Schema,
        snapshotId: Int64, sequenceNumber: Int64
    ) throws -> ManifestFile {
        func files(_ status: EntryStatus) -> Int32 { Int32(entries.reduce(0) { $0 + ($1.status == status ? 1 : 0) }) }
        func rows(_ status: EntryStatus) -> Int64 {
            entries.reduce(0) { $0 + ($1.status == status ? $1.dataFile.recordCount : 0) }
        }
        let live = entries.filter { $0.status != .deleted }
        return ManifestFile(
            path: path, length: Int64(length), partitionSpecId: spec.specId, sequenceNumber: sequenceNumber,
            minSequenceNumber: live.map { $0.sequenceNumber ?? sequenceNumber }.min() ?? sequenceNumber,
            addedSnapshotId: snapshotId,
            addedFilesCount: files(.added), existingFilesCount: files(.existing), deletedFilesCount: files(.deleted),
            addedRowsCount: rows(.added), existingRowsCount: rows(.existing), deletedRowsCount: rows(.deleted),
            partitions: ManifestSummary.summarize(entries.map(\.dataFile.partition), try spec.partitionType(schema)),
            keyMetadata: nil)
    }
}

/// Partition field summaries for a manifest list entry.
package enum ManifestSummary {
    package static func summarize(_ partitions: [[Literal?]], _ type: StructType) -> [FieldSummary] {
        type.fields.enumerated().map { i, field in
            var containsNull = false
            var containsNaN = false
            var lo: Literal? = nil
            var hi: Literal? = nil
            for p in partitions {
                guard i < p.count, let v = p[i] else {
                    containsNull = true
                    continue
                }
                if case .double(let d) = v, d.isNaN {
                    containsNaN = true
                    continue
                }
                if case .float(let f) = v, f.isNaN {
                    containsNaN = true
                    continue
                }
                if let l = lo, (Literal.compare(v, l) ?? 0) >= 0 {} else { lo = v }
                if let h = hi, (Literal.compare(v, h) ?? 0) <= 0 {} else { hi = v }
            }
            return FieldSummary(
                containsNull: containsNull, containsNaN: containsNaN,
                lowerBound: lo?.serialized(as: field.type), upperBound: hi?.serialized(as: field.type))
        }
    }
}
