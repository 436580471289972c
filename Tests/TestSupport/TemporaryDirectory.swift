import Foundation
import XCTest

/// A fresh folder under the system's temporary folder, removed when `test` ends (kept when
/// `ICEBERG_KEEP_TEST_FILES` is set, to look at what a failing test wrote).
public func makeTemporaryDirectory(_ test: XCTestCase, prefix: String = "iceberg-test") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    if ProcessInfo.processInfo.environment["ICEBERG_KEEP_TEST_FILES"] == nil {
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    }
    return dir
}
