import AWSTransport
import XCTest

/// `S3Client` against botocore's requests and moto's answers (`Fixtures/aws/s3.json`): paths of
/// keys with spaces, `+`, `&`, `<>` and non-ASCII; conditional and ranged requests; a listing
/// over several pages with URL-encoded keys; batch deletes and multipart uploads as XML.
final class S3ClientReplayTests: XCTestCase {
    func testEveryS3OperationSendsBotocoresRequestAndReadsMotosAnswer() async throws {
        let recording = try RecordedExchanges("s3")
        let s3 = S3Client(client: recording.client(signingName: "s3"), pathStyle: true)

        try await s3.createBucket("lake")
        let keys = [
            "data/a.parquet", "data/b c+d.parquet", "data/ü/e.parquet", "data/f&<g>.parquet", "metadata/v1.json",
        ]
        for (i, key) in keys.enumerated() {
            try await s3.putObject(bucket: "lake", key: key, body: (0..<10).map { UInt8(i + $0) })
        }
        do {
            try await s3.putObject(bucket: "lake", key: "metadata/v1.json", body: Array("{}".utf8), ifNoneMatch: true)
            XCTFail("a conditional put over an existing object succeeded")
        } catch let error as AWSError {
            XCTAssertEqual(error.serviceError?.code, "PreconditionFailed")
            XCTAssertEqual(error.serviceError?.status, 412)
        }
        try await s3.putObject(
            bucket: "lake", key: "metadata/v2.json", body: Array("{}".utf8), ifNoneMatch: true,
            contentType: "application/json")

        let listed = try await s3.listObjects(bucket: "lake", prefix: "data/")
        XCTAssertEqual(
            listed.map(\.key), ["data/a.parquet", "data/b c+d.parquet", "data/f&<g>.parquet", "data/ü/e.parquet"])
        XCTAssertEqual(listed.map(\.size), [10, 10, 10, 10])

        let range = try await s3.getObject(bucket: "lake", key: "data/b c+d.parquet", range: 2..<6)
        XCTAssertEqual(range, [3, 4, 5, 6])
        let prefix = try await s3.getObjectPrefix(bucket: "lake", key: "data/a.parquet", count: 4)
        XCTAssertEqual(prefix.bytes, [0, 1, 2, 3])
        XCTAssertEqual(prefix.size, 10)
        let suffix = try await s3.getObjectSuffix(bucket: "lake", key: "data/a.parquet", count: 4)
        XCTAssertEqual(suffix.bytes, [6, 7, 8, 9])
        XCTAssertEqual(suffix.size, 10)
        let whole = try await s3.getObject(bucket: "lake", key: "data/ü/e.parquet")
        XCTAssertEqual(whole, Array(2..<12))
        do {
            _ = try await s3.getObject(bucket: "lake", key: "data/missing.parquet")
            XCTFail("a missing object was read")
        } catch let error as AWSError {
            XCTAssertEqual(error.serviceError?.code, "NoSuchKey")
            XCTAssertEqual(error.serviceError?.status, 404)
        }
        let size = try await s3.headObject(bucket: "lake", key: "data/f&<g>.parquet")
        XCTAssertEqual(size, 10)
        let missing = try await s3.headObject(bucket: "lake", key: "data/missing.parquet")
        XCTAssertNil(missing)

        try await s3.deleteObjects(bucket: "lake", keys: ["data/a.parquet", "data/f&<g>.parquet", "gone"])
        try await s3.deleteObject(bucket: "lake", key: "metadata/v2.json")

        let upload = try await s3.createMultipartUpload(bucket: "lake", key: "data/big.parquet")
        XCTAssertFalse(upload.isEmpty)
        let etag = try await s3.uploadPart(
            bucket: "lake", key: "data/big.parquet", uploadId: upload, partNumber: 1, body: Array("0123456789".utf8))
        XCTAssertEqual(etag, "\"781e5e245d69b566979b86e28d23f2c7\"")
        try await s3.completeMultipartUpload(bucket: "lake", key: "data/big.parquet", uploadId: upload, etags: [etag])
        let aborted = try await s3.createMultipartUpload(bucket: "lake", key: "data/aborted.parquet")
        try await s3.abortMultipartUpload(bucket: "lake", key: "data/aborted.parquet", uploadId: aborted)

        recording.assertAllReplayed()
    }
}
