import Foundation
import Iceberg
import IcebergRESTServer
import JSONSupport
import TestSupport
import XCTest

/// `iceberg serve` with TLS, an access file and its limits, against PyIceberg and raw sockets.
final class RESTServeAccessTests: XCTestCase {
    /// A self-signed certificate for 127.0.0.1 made by openssl, and its key.
    func certificate(in dir: URL) throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("cert.pem").path
        let key = dir.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        XCTAssertEqual(openssl.terminationStatus, 0, "openssl made the certificate")
        return (cert, key)
    }

    func testPyIcebergOverTLSWithRolesFromAnAccessFile() throws {
        try PythonPeer.requirePeers()
        let dir = try makeTemporaryDirectory(self, prefix: "serve-tls")
        let (cert, key) = try certificate(in: dir)
        let access = dir.appendingPathComponent("access.yaml").path
        try """
        principals:
          - token: writer-secret-token
            role: write
          - token: reader-secret-token
            role: read
            name: dashboards
        """.write(toFile: access, atomically: true, encoding: .utf8)
        let server = try ServeProcess(self, arguments: ["--access", access, "--tls-cert", cert, "--tls-key", key])
        XCTAssertTrue(server.uri.hasPrefix("https://127.0.0.1:"), server.uri)

        var out = Array(
            try PythonPeer.run(
                script: "rest_peer.py",
                ["pyiceberg-roles", server.uri, cert, "writer-secret-token", "reader-secret-token"]))
        let result = try JSONValue.parse(bytes: &out)
        XCTAssertEqual(result["namespaces"]?.serialized(), #"[["r"]]"#)
        let rows = #"[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"c"}]"#
        XCTAssertEqual(result["rows"]?.serialized(), rows, "the reader reads what the writer wrote")
        for attempt in ["create_namespace", "append", "drop_table"] {
            XCTAssertEqual(result[attempt]?.stringValue, "ForbiddenError", "the reader's \(attempt)")
        }
        XCTAssertEqual(result["rows_after"]?.serialized(), rows, "nothing the reader tried changed the table")

        let log = server.requests()
        XCTAssertTrue(
            log.contains { $0["principal"]?.stringValue == "dashboards" && $0["status"]?.stringValue == "403" })
        let text = (try? String(contentsOfFile: server.logPath, encoding: .utf8)) ?? ""
        XCTAssertFalse(text.contains("secret-token"), "no token in the log")

        // Plain HTTP on the TLS port gets no catalog answer.
        let plain = Process()
        plain.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        plain.arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
            "http://127.0.0.1:\(server.port)/v1/config",
        ]
        let pipe = Pipe()
        plain.standardOutput = pipe
        try plain.run()
        plain.waitUntilExit()
        let code = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(code, "200")
    }

    /// A body that does not arrive holds its slot until the request timeout (408); meanwhile a
    /// request beyond the concurrency cap gets 429; a body beyond its route's cap gets 413
    /// without being read, and credentials are refused before any body.
    func testLimitsOnSlowOversizedAndTooManyRequests() throws {
        try PythonPeer.requirePeers()
        let server = try ServeProcess(
            self,
            arguments: [
                "--require-token", "t0k3n", "--max-concurrent-requests", "1", "--request-timeout", "2",
                "--max-commit-body", "1000",
            ])
        var out = Array(try PythonPeer.run(script: "serve_probe.py", ["limits", String(server.port), "t0k3n"]))
        let result = try JSONValue.parse(bytes: &out)
        XCTAssertEqual(result["slow_body"]?.intValue, 408, result.serialized())
        XCTAssertEqual(result["while_busy"]?.intValue, 429, result.serialized())
        XCTAssertEqual(result["retry_after"]?.stringValue, "1")
        XCTAssertEqual(result["oversized_commit"]?.intValue, 413, result.serialized())
        XCTAssertEqual(result["no_credentials_big_body"]?.intValue, 401, result.serialized())
        XCTAssertEqual(result["after"]?.intValue, 200, "the server still answers")
    }

    /// Bound beyond loopback without authentication or TLS, the server says so (checked without binding).
    func testExposedServersAreWarnedAbout() throws {
        let dir = try makeTemporaryDirectory(self, prefix: "serve-warn")
        let catalog = InMemoryCatalog(name: "m", warehouse: dir.path, io: LocalFileIO(), store: InMemoryPointerStore())
        var server = RESTServer(service: RESTCatalogService(catalog: catalog), host: "0.0.0.0", port: 0)
        XCTAssertEqual(
            server.exposureWarning,
            "listening on 0.0.0.0, beyond the loopback interface, without authentication (anyone may change any table)"
                + " and without TLS (credentials and data cross the network in the clear)")
        server = RESTServer(
            service: RESTCatalogService(catalog: catalog, options: RESTServerOptions(auth: .bearer(["t"]))),
            host: "10.1.2.3", port: 0)
        server.tls = ("cert.pem", "key.pem")
        XCTAssertNil(server.exposureWarning)
        XCTAssertNil(RESTServer(service: RESTCatalogService(catalog: catalog), host: "127.0.0.1").exposureWarning)
    }
}
