import Foundation
import Iceberg
import IcebergSQLite
import TestSupport
import XCTest

/// Every ```swift block of README.md, docs/*.md and the DocC articles is compiled as a file of this target
/// (Examples/, written by scripts/doc-examples.py); this test keeps the files equal to the
/// blocks, and runs the blocks that need no network.
final class DocumentationExamplesTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A block split as the generator splits it: import lines, and the rest without leading blank lines.
    struct Parts: Equatable {
        var imports: [String]
        var body: [String]
        init(lines: [String]) {
            imports = lines.filter { $0.hasPrefix("import ") }
            body = Array(lines.filter { !$0.hasPrefix("import ") }.drop { $0.isEmpty })
        }
    }

    static func blocks(in text: String) -> [Parts] {
        var out: [Parts] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if current == nil, line == "```swift" {
                current = []
            } else if let lines = current, line == "```" {
                out.append(Parts(lines: lines))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return out
    }

    func testEveryDocumentedSwiftBlockIsCompiledHere() throws {
        let fm = FileManager.default
        var docs =
            [Self.root.appendingPathComponent("README.md")]
            + (try fm.contentsOfDirectory(atPath: Self.root.appendingPathComponent("docs").path))
            .filter { $0.hasSuffix(".md") }.sorted().map { Self.root.appendingPathComponent("docs/\($0)") }
        // The DocC articles of every module (Sources/TARGET/TARGET.docc/*.md).
        for target in try fm.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path).sorted() {
            let catalog = Self.root.appendingPathComponent("Sources/\(target)/\(target).docc")
            guard let articles = try? fm.contentsOfDirectory(atPath: catalog.path) else { continue }
            docs += articles.filter { $0.hasSuffix(".md") }.sorted().map { catalog.appendingPathComponent($0) }
        }
        var expected: Set<String> = []
        for doc in docs {
            let folder = doc.deletingLastPathComponent()
            let stem = doc.deletingPathExtension().lastPathComponent
            let name =
                (folder.pathExtension == "docc" ? "\(folder.deletingPathExtension().lastPathComponent)_\(stem)" : stem)
                .replacingOccurrences(of: "-", with: "_")
            for (n, block) in Self.blocks(in: try String(contentsOf: doc, encoding: .utf8)).enumerated() {
                let file = Self.root.appendingPathComponent("Tests/ExamplesTests/Examples/\(name)\(n + 1).swift")
                expected.insert(file.lastPathComponent)
                guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                    XCTFail("\(doc.lastPathComponent) block \(n + 1) has no compiled copy: run scripts/doc-examples.py")
                    continue
                }
                let lines = text.components(separatedBy: "\n")
                guard let begin = lines.firstIndex(of: "// BEGIN BLOCK"), let end = lines.firstIndex(of: "// END BLOCK")
                else {
                    XCTFail("\(file.lastPathComponent) lacks its markers")
                    continue
                }
                let compiled = Parts(lines: lines.filter { $0.hasPrefix("import ") } + lines[(begin + 1)..<end])
                XCTAssertEqual(
                    compiled, block,
                    "\(doc.lastPathComponent) block \(n + 1) differs from \(file.lastPathComponent): run scripts/doc-examples.py"
                )
            }
        }
        let present = Set(
            try FileManager.default.contentsOfDirectory(
                atPath: Self.root.appendingPathComponent("Tests/ExamplesTests/Examples").path))
        XCTAssertEqual(present, expected, "compiled copies of blocks that are gone")
        XCTAssertGreaterThanOrEqual(expected.count, 8)
    }

    /// The README's local blocks run as written, in a fresh directory.
    func testReadmeBlocksRun() async throws {
        let dir = try makeDirectory()
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }

        try await example_README1()
        let catalog = try SQLiteCatalog.open(path: "warehouse/catalog.db", name: "default", warehouse: "warehouse")
        let table = try await catalog.loadTable("shop.sales")
        let ids = try await table.scan().rows().compactMap { $0["id"]?.stringValue }
        XCTAssertEqual(
            ids.sorted(), ["s1", "s3", "s4"],
            "s2 was deleted, s4 published from a branch, s3 appended in the transaction")
        XCTAssertEqual(table.metadata.property("write.parquet.compression-codec"), "snappy")
        XCTAssertEqual(table.metadata.snapshots.count, 2, "expiration kept the last two")

        try await example_README2()
        try await example_README3()
        for file in ["people.parquet", "t.parquet"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
    }

    private func makeDirectory() throws -> URL { try makeTemporaryDirectory(self, prefix: "examples") }
}
