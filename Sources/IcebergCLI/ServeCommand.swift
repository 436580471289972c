import ArgumentParser
import Iceberg
import IcebergRESTServer
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
    @Option(help: "Require this bearer token (repeatable).") var requireToken: [String] = []
    @Option(help: "Issue OAuth2 tokens at /v1/oauth/tokens to client credentials CLIENT_ID:SECRET and require them.")
    var oauthClient: String?
    @Option(help: "Lifetime of issued OAuth2 tokens in seconds.") var tokenLifetime = 3600
    @Option(help: "Require SigV4 signatures by ACCESS_KEY_ID:SECRET.") var sigv4Key: String?
    @Option(help: "SigV4 signing region.") var sigv4Region = "us-east-1"
    @Option(help: "SigV4 signing name.") var sigv4Service = "execute-api"
    @Option(help: "Largest page of a paginated list.") var maxPageSize = 1000
    @Option(
        help: ArgumentHelp(
            "Another location clients may name for table files, beside the warehouse (repeatable).",
            discussion: "Every location a client names must lie inside the warehouse or one of these."))
    var allowLocation: [String] = []

    func run() async throws {
        let served = try await options.open()
        let allowed = (served.warehouseLocation.map { [$0] } ?? []) + allowLocation
        guard !allowed.isEmpty else {
            throw ValidationError(
                "this catalog has no warehouse: give the locations clients may use with --allow-location")
        }
        let catalog = try ConfinedCatalog(served, allowing: allowed)
        let service = RESTCatalogService(
            catalog: catalog, options: RESTServerOptions(prefix: prefix, auth: try auth(), maxPageSize: maxPageSize))
        LoggingSystem.bootstrap { JSONLinesLogHandler(label: $0) }
        let logger = Logger(label: "iceberg.serve")
        let host = self.host
        try await RESTServer(service: service, host: host, port: port).run(logger: logger) { bound in
            // Written straight to the descriptor so a parent reading the pipe sees it at once.
            let line = Array(
                (JSONValue.object([("listening", .string("http://\(host):\(bound)")), ("port", .int(Int64(bound)))])
                    .serialized() + "\n").utf8)
            _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        }
    }

    private func auth() throws -> RESTServerAuth {
        let env = { (name: String) in getenv(name).map { String(cString: $0) } }
        let tokens = requireToken + (env("ICEBERG_SERVE_TOKEN").map { [$0] } ?? [])
        let credential = oauthClient ?? env("ICEBERG_SERVE_CREDENTIAL")
        let sigv4 = sigv4Key ?? env("ICEBERG_SERVE_SIGV4_KEY")
        guard [!tokens.isEmpty, credential != nil, sigv4 != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("choose one of --require-token, --oauth-client and --sigv4-key")
        }
        func pair(_ text: String, _ what: String) throws -> (String, String) {
            guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
                text.index(after: colon) != text.endIndex
            else {
                throw ValidationError("\(what) must be ID:SECRET")
            }
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        if !tokens.isEmpty { return .bearer(Set(tokens)) }
        if let credential {
            let (id, secret) = try pair(credential, "--oauth-client")
            return .oauth2(clientId: id, clientSecret: secret, tokenLifetimeSeconds: tokenLifetime)
        }
        if let sigv4 {
            let (id, secret) = try pair(sigv4, "--sigv4-key")
            return .sigv4(service: sigv4Service, region: sigv4Region, secrets: [id: secret])
        }
        return .none
    }
}
