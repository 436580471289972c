import ArgumentParser
import Foundation
import Iceberg
import IcebergRESTServer
import IcebergSQLite
import JSONSupport
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `iceberg serve`: the catalog over the Iceberg REST protocol.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the catalog over the Iceberg REST catalog protocol (PyIceberg, DuckDB, Spark, Trino).",
        discussion: """
            Prints {"listening": URL, "port": N} on standard output once accepting, then one JSON \
            log line per request on standard error. Stops on SIGINT or SIGTERM.
            Secrets may come from the environment instead of the command line: \
            ICEBERG_SERVE_TOKEN, ICEBERG_SERVE_CREDENTIAL, ICEBERG_SERVE_SIGV4_KEY.
            """)

    @OptionGroup var options: CatalogOptions
    @Option(help: "Address to bind (only this address listens).") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port).") var port = 8181
    @Option(help: "Path prefix: /v1/PREFIX/… (announced to clients in /v1/config).") var prefix: String?
    @Option(help: "Accept this bearer token, as admin (repeatable).") var requireToken: [String] = []
    @Option(help: "Issue OAuth2 tokens at /v1/oauth/tokens to client credentials CLIENT_ID:SECRET, as admin.")
    var oauthClient: String?
    @Option(help: "Lifetime of issued OAuth2 tokens in seconds.") var tokenLifetime = 3600
    @Option(help: "Accept SigV4 signatures by ACCESS_KEY_ID:SECRET, as admin.") var sigv4Key: String?
    @Option(help: "SigV4 signing region.") var sigv4Region = "us-east-1"
    @Option(help: "SigV4 signing name.") var sigv4Service = "execute-api"
    @Option(
        help: ArgumentHelp(
            "Principals and their roles (YAML; see docs/rest.md).",
            discussion:
                "principals: [{token | oauth-client: ID:SECRET | sigv4-key: ID:SECRET, role: read|write|admin, namespaces: [..]}]"
        ))
    var access: String?
    @Option(help: "Largest page of a paginated list.") var maxPageSize = 1000
    @Option(
        help: ArgumentHelp(
            "Another location clients may name for table files, beside the warehouse (repeatable).",
            discussion: "Every location a client names must lie inside the warehouse or one of these."))
    var allowLocation: [String] = []
    @Option(help: "Serve HTTPS with this PEM certificate chain (with --tls-key).") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "Requests handled at once; more are answered 429.") var maxConcurrentRequests = 64
    @Option(help: "Seconds a request body may take to arrive.") var requestTimeout = 30
    @Option(help: "Seconds an idle connection stays open.") var idleTimeout = 60
    @Option(help: "Largest body of a create, register or commit request, in bytes.") var maxCommitBody = 16 << 20
    @Option(
        help:
            "Run every table's maintenance policy (as `iceberg maintain`) this often: 90s, 30m, 6h, 1d (bare numbers are seconds)."
    )
    var maintain: String?

    func run() async throws {
        let served = try await options.open()
        let allowed = (served.warehouseLocation.map { [$0] } ?? []) + allowLocation
        guard !allowed.isEmpty else {
            throw ValidationError(
                "this catalog has no warehouse: give the locations clients may use with --allow-location")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("give --tls-cert and --tls-key together")
        }
        let interval = try maintain.map { text in
            guard let seconds = Self.seconds(text), seconds > 0 else {
                throw ValidationError("--maintain takes an interval such as 90s, 30m, 6h or 1d, not '\(text)'")
            }
            return seconds
        }
        let catalog = try ConfinedCatalog(served, allowing: allowed)
        // A SQLite catalog keeps the answers to idempotent requests too, so a restart forgets none.
        let answers = try (served as? SQLiteCatalog).map { try SQLiteIdempotencyRecords(path: $0.store.path) }
        let service = RESTCatalogService(
            catalog: catalog,
            options: RESTServerOptions(
                prefix: prefix, auth: try auth(), maxPageSize: maxPageSize, maxCommitBodyBytes: maxCommitBody,
                idempotencyRecords: answers))
        LoggingSystem.bootstrap { JSONLinesLogHandler(label: $0) }
        let logger = Logger(label: "iceberg.serve")
        let host = self.host
        var server = RESTServer(service: service, host: host, port: port)
        server.maxConcurrentRequests = maxConcurrentRequests
        server.requestTimeoutSeconds = requestTimeout
        server.idleTimeoutSeconds = idleTimeout
        if let tlsCert, let tlsKey { server.tls = (tlsCert, tlsKey) }
        let scheme = server.tls == nil ? "http" : "https"
        let maintenance = interval.map { seconds in
            Task { await Self.maintainForever(served, every: seconds, logger: logger) }
        }
        defer { maintenance?.cancel() }
        try await server.run(logger: logger) { bound in
            // Written straight to the descriptor so a parent reading the pipe sees it at once.
            let line = Array(
                (JSONValue.object([
                    ("listening", .string("\(scheme)://\(host):\(bound)")), ("port", .int(Int64(bound))),
                ])
                .serialized() + "\n").utf8)
            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        }
    }

    /// Seconds in `90`, `90s`, `30m`, `6h` or `1d`.
    static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        guard let last = text.last else { return nil }
        if let unit = units[last] { return Int(text.dropLast()).map { $0 * unit } }
        return Int(text)
    }

    /// Every `seconds`, runs the maintenance policy of every table of `catalog`, one table
    /// at a time, logging what each run did or why it failed (a failure never stops the server).
    static func maintainForever(_ catalog: any Catalog, every seconds: Int, logger: Logger) async {
        while !Task.isCancelled {
            do { try await Task.sleep(nanoseconds: UInt64(seconds) * 1_000_000_000) } catch { return }
            var pending: [Namespace?] = [nil]
            var tables: [TableIdentifier] = []
            while let parent = pending.popLast() {
                do {
                    let children = try await catalog.listNamespaces(parent: parent)
                    pending += children.map { $0 }
                    for ns in children { tables += try await catalog.listTables(ns) }
                } catch {
                    logger.warning("maintenance could not list the catalog", metadata: ["error": "\(error)"])
                }
            }
            for id in tables where !Task.isCancelled {
                do {
                    let result = try encodedJSON(try await catalog.loadTable(id).maintain())
                    logger.info("maintenance", metadata: ["table": "\(id)", "result": "\(result.serialized())"])
                } catch {
                    logger.warning("maintenance failed", metadata: ["table": "\(id)", "error": "\(error)"])
                }
            }
        }
    }

    /// The principals of --access and of the admin flags (and their environment variables).
    private func auth() throws -> RESTServerAuth {
        let env = { (name: String) in getenv(name).map { String(cString: $0) } }
        let tokens = requireToken + (env("ICEBERG_SERVE_TOKEN").map { [$0] } ?? [])
        let credential = oauthClient ?? env("ICEBERG_SERVE_CREDENTIAL")
        let sigv4 = sigv4Key ?? env("ICEBERG_SERVE_SIGV4_KEY")
        func pair(_ text: String, _ what: String) throws -> (String, String) {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
                text.index(after: colon) != text.endIndex
            else {
                throw ValidationError("\(what) must be ID:SECRET")
            }
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        var principals: [RESTPrincipal] = []
        if let access {
            let text: String
            do { text = try String(contentsOfFile: access, encoding: .utf8) } catch {
                throw ValidationError("--access \(access): cannot be read")
            }
            principals = try RESTServerAuth(accessFile: text, file: access).principals
        }
        principals += RESTServerAuth.bearer(Set(tokens)).principals.map {
            var p = $0
            p.name = "--require-token " + p.name.dropFirst("token ".count)
            return p
        }
        if let credential {
            let (id, secret) = try pair(credential, "--oauth-client")
            principals.append(RESTPrincipal(name: id, credential: .oauthClient(id: id, secret: secret), role: .admin))
        }
        if let sigv4 {
            let (id, secret) = try pair(sigv4, "--sigv4-key")
            principals.append(RESTPrincipal(name: id, credential: .sigv4Key(id: id, secret: secret), role: .admin))
        }
        let auth = RESTServerAuth(
            principals: principals, tokenLifetimeSeconds: tokenLifetime, sigv4Service: sigv4Service,
            sigv4Region: sigv4Region)
        if let repeated = auth.repeated { throw ValidationError("two principals share \(repeated)") }
        return auth
    }
}
