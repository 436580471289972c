import Foundation
import TestSupport
import XCTest

@testable import Iceberg

final class LocalFileIOTests: XCTestCase {
    /// Parts of mixed sizes (small ones buffered, large ones written directly) land in order;
    /// a second exclusive write to the same location is refused and changes nothing; no
    /// temporary file is left behind.
    func testExclusiveWriteOfPartsKeepsTheirOrderAndRefusesAnExistingFile() async throws {
        let dir = try makeTemporaryDirectory(self, prefix: "fileio")
        let path = dir.appendingPathComponent("metadata/00001.metadata.json").path
        let sizes = [1, 300_000, 17, 2_500_000, 0, 4_000, 262_144, 3]
        let parts = sizes.enumerated().map { k, n in
            [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
                for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: i &* 31 &+ k &* 97 &+ i >> 8) }
                count = n
            }
        }
        let io = LocalFileIO()
        try await io.writeExclusive(path, parts: parts)
        let written = try await io.read(path)
        XCTAssertEqual(written, Array(parts.joined()))
        do {
            try await io.writeExclusive(path, parts: [[1, 2, 3]])
            XCTFail("an existing file was overwritten")
        } catch FileIOError.alreadyExists(let location) {
            XCTAssertEqual(location, path)
        }
        let again = try await io.read(path)
        XCTAssertEqual(again, written)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("metadata").path)
        XCTAssertEqual(left, ["00001.metadata.json"])
    }

    /// The canonical form follows symbolic links and `..` as the kernel does, appends what does
    /// not exist yet, and refuses what cannot be told for certain.
    func testCanonicalLocationsNameTheFileTheKernelWouldTouch() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "canonical")
        let root = URL(fileURLWithPath: dir.path).resolvingSymlinksInPath().path
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/real/sub", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/real/sub")
        try fm.createSymbolicLink(atPath: root + "/dangling", withDestinationPath: root + "/nowhere")
        let io = LocalFileIO()
        XCTAssertEqual(try io.canonicalLocation("file://" + root + "/real/new/file"), root + "/real/new/file")
        XCTAssertEqual(try io.canonicalLocation("file:" + root + "/real//sub/./x"), root + "/real/sub/x")
        XCTAssertEqual(try io.canonicalLocation(root + "/link/x"), root + "/real/sub/x")
        // `..` after a link leaves the link's target, not the folder holding the link.
        XCTAssertEqual(try io.canonicalLocation(root + "/link/../y"), root + "/real/y")
        for refused in [
            root + "/dangling/x", root + "/real/new/../x", "relative/x", root + "/a\u{0}b", "s3://bucket/x",
            "file://host/x",
        ] {
            XCTAssertThrowsError(try io.canonicalLocation(refused), refused)
        }
    }
}
