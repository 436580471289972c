/// The live delete files of a snapshot, indexed so that finding the ones that apply to a data
/// file does not scan them all. The spec's scope rules:
/// - a deletion vector applies to the data file it references, in the same partition, with a
///   data sequence number at or below its own; when one applies, the position delete files for
///   that data file are ignored (a vector holds all their deletes);
/// - a position delete file applies in the same partition at or below its sequence number,
///   only to its `referenced_data_file` when it names one;
/// - an equality delete file applies to data files with a lower sequence number in its
///   partition, or everywhere when its spec is unpartitioned.
struct DeleteIndex {
    struct Entry: Sendable {
        var file: DataFile
        var specId: Int
        var sequenceNumber: Int64
        /// A delete of an unpartitioned spec (an equality delete then applies in every partition).
        var global = false

        /// Whether it can delete rows of data files whose lowest data sequence number is
        /// `minimum`: a position delete applies at or below its own sequence number, an
        /// equality delete strictly below.
        func canApply(toDataFrom minimum: Int64) -> Bool {
            file.content == .equalityDeletes ? sequenceNumber > minimum : sequenceNumber >= minimum
        }
    }

    private struct PartitionKey: Hashable {
        var specId: Int
        var partition: [Literal?]
    }

    private var vectors: [String: [Entry]] = [:]
    private var referencedPositionDeletes: [String: [Entry]] = [:]
    private var partitionPositionDeletes: [PartitionKey: [Entry]] = [:]
    private var partitionEqualityDeletes: [PartitionKey: [Entry]] = [:]
    private var globalEqualityDeletes: [Entry] = []

    /// Every live delete file added, in order.
    private(set) var all: [Entry] = []

    /// Whether the snapshot has no delete files.
    var isEmpty: Bool { all.isEmpty }

    /// Adds a live delete file; `unpartitioned` tells whether its spec has no fields.
    mutating func add(_ file: DataFile, specId: Int, sequenceNumber: Int64, unpartitioned: Bool) {
        let entry = Entry(file: file, specId: specId, sequenceNumber: sequenceNumber, global: unpartitioned)
        guard file.content != .data else { return }
        all.append(entry)
        let key = PartitionKey(specId: specId, partition: file.partition)
        switch file.content {
        case .data:
            return
        case .positionDeletes:
            if file.isDeletionVector, let path = file.referencedDataFile {
                vectors[path, default: []].append(entry)
            } else if let path = file.referencedDataFile {
                referencedPositionDeletes[path, default: []].append(entry)
            } else {
                partitionPositionDeletes[key, default: []].append(entry)
            }
        case .equalityDeletes:
            if unpartitioned {
                globalEqualityDeletes.append(entry)
            } else {
                partitionEqualityDeletes[key, default: []].append(entry)
            }
        }
    }

    /// The delete files that apply to a data file.
    func deletes(for file: DataFile, specId: Int, sequenceNumber: Int64) -> [DataFile] {
        entries(for: file, specId: specId, sequenceNumber: sequenceNumber).map(\.file)
    }

    /// The delete files that apply to a data file, with their sequence numbers and scopes.
    func entries(for file: DataFile, specId: Int, sequenceNumber: Int64) -> [Entry] {
        guard !isEmpty else { return [] }
        let key = PartitionKey(specId: specId, partition: file.partition)
        func samePartition(_ e: Entry) -> Bool { e.specId == specId && e.file.partition == file.partition }
        var out: [Entry] = []
        let vector = (vectors[file.filePath] ?? []).filter { samePartition($0) && $0.sequenceNumber >= sequenceNumber }
        if !vector.isEmpty {
            out += vector
        } else {
            for e in referencedPositionDeletes[file.filePath] ?? [] where samePartition(e) {
                if e.sequenceNumber >= sequenceNumber { out.append(e) }
            }
            for e in partitionPositionDeletes[key] ?? [] where e.sequenceNumber >= sequenceNumber {
                out.append(e)
            }
        }
        for e in partitionEqualityDeletes[key] ?? [] where e.sequenceNumber > sequenceNumber { out.append(e) }
        for e in globalEqualityDeletes where e.sequenceNumber > sequenceNumber { out.append(e) }
        return out
    }
}
