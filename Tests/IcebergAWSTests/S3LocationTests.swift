import AWSTransport
import HTTPSupport
import Iceberg
import IcebergAWS
import XCTest

final class S3LocationTests: XCTestCase {
    /// Every S3 scheme names the same object; dot segments (literal keys in S3) and control
    /// characters are refused; a bare bucket is a location.
    func testCanonicalS3Locations() throws {
        let offline = AWSServiceClient(
            signingName: "s3", region: "us-east-1", endpoint: AWSEndpoint(scheme: "http", host: "127.0.0.1", port: 9),
            credentials: nil, http: HTTPTransport(answering: { _ in throw CancellationError() }))
        let io = S3FileIO(s3: S3Client(client: offline, pathStyle: true))
        XCTAssertEqual(try io.canonicalLocation("s3a://b/wh/t/x"), "s3://b/wh/t/x")
        XCTAssertEqual(try io.canonicalLocation("s3n://b/wh/t/x"), "s3://b/wh/t/x")
        XCTAssertEqual(try io.canonicalLocation("s3://b"), "s3://b")
        XCTAssertEqual(try io.canonicalLocation("s3://b/"), "s3://b")
        for refused in ["s3://b/wh/../x", "s3://b/./x", "s3://b/x\n", "file:///x", "/x"] {
            XCTAssertThrowsError(try io.canonicalLocation(refused), refused)
        }
    }
}
