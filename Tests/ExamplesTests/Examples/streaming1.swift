// swift-format-ignore-file
// Block 1 of docs/streaming.md, compiled; written by scripts/doc-examples.py.
import Iceberg

func example_streaming1() async throws {
// BEGIN BLOCK
func consume(_ table: Table) async throws {
    var options = StreamWriter.Options(streamId: "orders-sink")
    options.commitInterval = .seconds(1)
    let writer = try StreamWriter(table: table, options: options)
    let from = await writer.resumePositions?["orders/0"] ?? -1
    // … read the source from `from + 1`, then for each batch:
    struct Order: Encodable { var id: Int64; var category: String }
    try await writer.write([Order(id: from + 1, category: "books")], positions: SourcePositions(["orders/0": from + 1]))
    try await writer.close()
}
// END BLOCK
}
