import AWSTransport
import Foundation
import Iceberg
import IcebergAWS
import TestSupport
import XCTest

/// The S3 client and S3 FileIO against moto with SigV4 verification switched on.
/// (Presigned URLs are compared with botocore's in `SigV4BotocoreTests`: moto's request
/// authentication does not accept query-string signatures, not even boto3's.)
final class S3MotoTests: XCTestCase {
    func client(
        _ moto: Moto, secret: String? = nil, retry: AWSRetryPolicy = AWSRetryPolicy(maxAttempts: 2, baseDelay: 0.05)
    ) throws -> S3Client {
        var creds = moto.credentials
        if let secret { creds.secretAccessKey = secret }
        return try S3Client(
            region: "us-east-1", credentials: StaticCredentialsProvider(creds),
            endpoint: try AWSEndpoint(url: moto.endpoint),
            environment: [:], retry: retry)
    }

    func testObjectsMultipartAndErrorsWithSignatureChecks() async throws {
        let moto = try Moto(self, authenticated: true)
        let s3 = try client(moto)
        try await s3.createBucket("data")
        let io = S3FileIO(s3: s3, partSize: 5 << 20, maxPartsInFlight: 2, readChunkSize: 1 << 20)

        // Keys with spaces, unicode and '+'.
        let key = "s3://data/warehouse/a b+c/ünï©ode ✓.json"
        try await io.write(key, Array("hello, s3".utf8))
        let readBack = try await io.read(key)
        XCTAssertEqual(readBack, Array("hello, s3".utf8))
        let exists = try await io.exists(key)
        XCTAssertTrue(exists)
        let ranged = try await s3.getObject(bucket: "data", key: "warehouse/a b+c/ünï©ode ✓.json", range: 7..<9)
        XCTAssertEqual(ranged, Array("s3".utf8))

        // An empty object: its size comes from the same ranged GET as its (no) bytes.
        try await io.write("s3://data/empty.json", [])
        let empty = try await io.read("s3://data/empty.json")
        XCTAssertEqual(empty, [])

        // A 12 MiB file: three parts, uploaded two at a time, read back with parallel ranges.
        var rng = SplitMix64(seed: 3)
        let big = (0..<(12 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try await io.write("s3://data/big/file.bin", big)
        let back = try await io.read("s3://data/big/file.bin")
        XCTAssertEqual(back.count, big.count)
        XCTAssertTrue(back == big)
        // Opened as an input, the 12 MiB object is read range by range: a range is readable
        // once fetched, and not after it is released.
        let input = try await io.input("s3://data/big/file.bin")
        let byRange = try XCTUnwrap(input as? RangedInputFile, "a 12 MiB object is read by ranges")
        XCTAssertEqual(byRange.size, big.count)
        XCTAssertThrowsError(try input.read(offset: 5 << 20, count: 6))
        let five = 5 << 20
        let nine = 9 << 20
        let wanted: [Range<Int>] = [five - 3..<five + 3, nine..<nine + 10]
        let fetched = try await byRange.fetch(wanted)
        XCTAssertEqual(try input.read(offset: (5 << 20) - 3, count: 6), Array(big[((5 << 20) - 3)..<((5 << 20) + 3)]))
        XCTAssertEqual(try input.read(offset: 9 << 20, count: 10), Array(big[(9 << 20)..<(9 << 20) + 10]))
        XCTAssertEqual(
            try input.read(offset: big.count - 100, count: 100), Array(big[(big.count - 100)...]), "the end is kept")
        byRange.release(fetched)
        XCTAssertThrowsError(try input.read(offset: 9 << 20, count: 10)) { error in
            XCTAssertTrue("\(error)".contains("before being fetched"), "\(error)")
        }

        // Streaming sink: flushes upload parts while writing.
        let sink = try await io.output("s3://data/big/streamed.bin")
        guard let remote = sink as? RemoteOutputFile else { return XCTFail("S3 output is not a remote output") }
        for i in 0..<12 {
            try Array(big[(i << 20)..<((i + 1) << 20)]).withUnsafeBytes { try remote.write($0) }
            try await remote.flush()
        }
        try remote.close()
        try await remote.finish()
        let streamed = try await io.read("s3://data/big/streamed.bin")
        XCTAssertTrue(streamed == big)

        // Conditional create: a second, different write is refused; the same bytes count as written.
        try await io.writeExclusive("s3://data/meta/00001.metadata.json", Array("{}".utf8))
        try await io.writeExclusive("s3://data/meta/00001.metadata.json", Array("{}".utf8))
        do {
            try await io.writeExclusive("s3://data/meta/00001.metadata.json", Array("{\"x\":1}".utf8))
            XCTFail("overwrote an existing metadata file")
        } catch FileIOError.alreadyExists(let l) {
            XCTAssertEqual(l, "s3://data/meta/00001.metadata.json")
        }

        // Listing by prefix and batch delete.
        let files = try await io.listFiles(under: "s3://data/big/")
        let now = WallClock.nowMs()
        for f in files { XCTAssertLessThan(abs(f.lastModifiedMs - now), 600_000, "\(f.location): last modified") }
        let listed = files.map(\.location).sorted()
        XCTAssertEqual(listed, ["s3://data/big/file.bin", "s3://data/big/streamed.bin"])
        try await io.delete(listed + ["s3://data/big/never-existed"])
        let remaining = try await io.listFiles(under: "s3://data/big/")
        XCTAssertEqual(remaining.count, 0)
        do {
            _ = try await io.read("s3://data/big/file.bin")
            XCTFail("read a deleted file")
        } catch FileIOError.notFound(let l) {
            XCTAssertEqual(l, "s3://data/big/file.bin")
        }

        // A wrong secret fails with the service's code; neither secret nor signature is in the message.
        let bad = try client(moto, secret: "not-the-secret-\(UUID().uuidString)")
        do {
            _ = try await bad.getObject(bucket: "data", key: "warehouse/a b+c/ünï©ode ✓.json")
            XCTFail("a wrong secret was accepted")
        } catch let error as AWSError {
            let text = "\(error)"
            XCTAssertEqual(error.serviceError?.code, "SignatureDoesNotMatch", text)
            XCTAssertFalse(text.contains("not-the-secret"), text)
            XCTAssertFalse(text.contains(moto.credentials.secretAccessKey), text)
            XCTAssertFalse(text.contains("Signature="), text)
            XCTAssertFalse(error.isRetryable)
        }
    }

    func testUnreachableEndpointIsANetworkErrorAfterRetries() async throws {
        let port = try LoopbackPeer.freePort()
        // AsyncHTTPClient keeps trying to connect until the attempt's deadline: keep it short.
        let client = AWSServiceClient(
            signingName: "s3", region: "us-east-1", endpoint: try AWSEndpoint(url: "http://127.0.0.1:\(port)"),
            credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "a", secretAccessKey: "b")),
            retry: AWSRetryPolicy(maxAttempts: 3, baseDelay: 0.01), attemptTimeout: 1)
        let s3 = S3Client(client: client, pathStyle: true)
        do {
            _ = try await s3.headObject(bucket: "b", key: "k")
            XCTFail("no error from a closed port")
        } catch let error as AWSError {
            guard case .network(let message, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("127.0.0.1:\(port)"), message)
        }
    }
}
