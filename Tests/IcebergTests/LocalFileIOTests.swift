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
}
