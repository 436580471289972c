import JSONSupport

/// A small cache of parsed table metadata by file location.
actor MetadataCache {
    private var entries: [String: TableMetadata] = [:]
    private var order: [String] = []
    private let capacity = 32
    /// Serialized snapshot histories by table UUID.
    private var histories: [String: SerializedHistory] = [:]

    /// The metadata's JSON text in parts, reusing the serialized history of the table's
    /// earlier versions.
    func serialize(_ metadata: TableMetadata) -> [[UInt8]] {
        var history = histories.removeValue(forKey: metadata.tableUUID) ?? SerializedHistory()
        let parts = metadata.serializedParts(reusing: &history)
        if histories.count >= capacity { histories.removeAll() }
        histories[metadata.tableUUID] = history
        return parts
    }

    func get(_ location: String) -> TableMetadata? { entries[location] }

    func put(_ location: String, _ metadata: TableMetadata) {
        if entries[location] == nil { order.append(location) }
        entries[location] = metadata
        if order.count > capacity { entries[order.removeFirst()] = nil }
    }
}
