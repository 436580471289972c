// swift-format-ignore-file
// Block 2 of docs/streaming.md, compiled; written by scripts/doc-examples.py.
import Foundation
import Iceberg

func example_streaming2() async throws {
// BEGIN BLOCK
/// Writers put units as JSON files in a shared folder; the committer picks them up.
func fanIn(_ table: Table, folder: URL) async throws {
    var writer = try FileWriter(table: table, streamId: "clicks", writerId: "lambda-7")
    try await writer.write(
        jsonRows: [(1, .object([("id", .int(1))]))], positions: SourcePositions(["clicks/7": 1041]))
    if let unit = try await writer.finish() {
        let name = "\(unit.writerId)-\(unit.sequence).json"
        try JSONEncoder().encode(unit).write(to: folder.appendingPathComponent(name))
    }

    var options = StreamCommitter.Options(streamId: "clicks")
    options.commitInterval = .seconds(1)
    let committer = try StreamCommitter(table: table, options: options)
    for file in try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil) {
        try await committer.add(try JSONDecoder().decode(StreamUnit.self, from: Data(contentsOf: file)))
    }
    try await committer.flush()
}
// END BLOCK
}
