import Foundation
import JSONSupport
import ValueFormats

/// The shared `config` and `credentials` files (`~/.aws/…`, or `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`), parsed into profiles.
public struct SharedConfigFiles: Sendable {
    /// Path of the config file.
    public let configPath: String
    /// Path of the credentials file.
    public let credentialsPath: String
    /// Profiles of the config file (`[profile name]` and `[default]`).
    public let config: [String: [String: String]]
    /// Profiles of the credentials file (`[name]`).
    public let credentialsFile: [String: [String: String]]

    /// Reads the files named by the environment (missing files are empty).
    public init(environment: [String: String]) {
        let home = environment["HOME"] ?? "/root"
        configPath = environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        credentialsPath = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        config = Self.parse((try? String(contentsOfFile: configPath, encoding: .utf8)) ?? "", configStyle: true)
        credentialsFile = Self.parse(
            (try? String(contentsOfFile: credentialsPath, encoding: .utf8)) ?? "", configStyle: false)
    }

    /// A setting of a profile: the credentials file first, then the config file.
    public func value(_ key: String, profile: String) -> String? {
        credentialsFile[profile]?[key] ?? config[profile]?[key]
    }

    /// Whether a profile can produce credentials.
    public func hasCredentials(profile: String) -> Bool {
        ["aws_access_key_id", "credential_process", "role_arn", "web_identity_token_file"].contains {
            value($0, profile: profile) != nil
        }
    }

    /// Parses INI text. In the config file, `[profile NAME]` names profile NAME and `[default]` the default.
    static func parse(_ text: String, configStyle: Bool) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                var name = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if configStyle, name.hasPrefix("profile ") {
                    name = String(name.dropFirst(8)).trimmingCharacters(in: .whitespaces)
                }
                // Sections such as [services x] or [sso-session y] are not profiles.
                current = name.contains(" ") ? nil : name
                if let c = current, out[c] == nil { out[c] = [:] }
                continue
            }
            guard let c = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, !value.isEmpty { out[c]?[key] = value }
        }
        return out
    }
}

/// The region: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
public func resolveAWSRegion(environment: [String: String], profile: String? = nil) -> String? {
    if let r = environment["AWS_REGION"], !r.isEmpty { return r }
    if let r = environment["AWS_DEFAULT_REGION"], !r.isEmpty { return r }
    let name = profile ?? environment["AWS_PROFILE"] ?? "default"
    return SharedConfigFiles(environment: environment).value("region", profile: name)
}

/// Credentials of a profile of the shared files: static keys, `credential_process`, a web
/// identity (`web_identity_token_file` + `role_arn`) or an assumed role (`role_arn` +
/// `source_profile`, through STS `AssumeRole`).
public struct ProfileCredentialsProvider: AWSCredentialsProvider {
    /// The profile name.
    public let profile: String
    let files: SharedConfigFiles
    let environment: [String: String]
    let http: HTTPTransport

    /// Creates a provider for a profile.
    public init(profile: String, files: SharedConfigFiles, environment: [String: String], http: HTTPTransport) {
        self.profile = profile
        self.files = files
        self.environment = environment
        self.http = http
    }

    /// The profile's credentials.
    public func credentials() async throws -> AWSCredentials {
        try await credentials(profile: profile, depth: 0)
    }

    private func credentials(profile: String, depth: Int) async throws -> AWSCredentials {
        guard depth < 5 else { throw AWSError.credentials("profile '\(self.profile)': source_profile chain too long") }
        func v(_ k: String) -> String? { files.value(k, profile: profile) }
        if let roleArn = v("role_arn") {
            let session = v("role_session_name") ?? "swift-iceberg-\(Int(WallClock.nowSeconds()))"
            let region = v("region") ?? resolveAWSRegion(environment: environment, profile: profile) ?? "us-east-1"
            if let tokenFile = v("web_identity_token_file") {
                return try await WebIdentityCredentialsProvider(
                    tokenFile: tokenFile, roleArn: roleArn, sessionName: session,
                    region: region, environment: environment, http: http
                ).credentials()
            }
            guard let source = v("source_profile") else {
                throw AWSError.credentials(
                    "profile '\(profile)' has role_arn but neither source_profile nor web_identity_token_file")
            }
            let sourceCredentials =
                source == profile && v("aws_access_key_id") != nil
                ? try staticKeys(profile: profile)
                : try await credentials(profile: source, depth: depth + 1)
            let sts = try STSClient(
                region: region, environment: environment, credentials: StaticCredentialsProvider(sourceCredentials),
                http: http)
            return try await sts.assumeRole(roleArn: roleArn, sessionName: session, externalId: v("external_id"))
        }
        if let command = v("credential_process") {
            return try await Self.runCredentialProcess(command, profile: profile)
        }
        return try staticKeys(profile: profile)
    }

    private func staticKeys(profile: String) throws -> AWSCredentials {
        guard let id = files.value("aws_access_key_id", profile: profile),
            let secret = files.value("aws_secret_access_key", profile: profile)
        else {
            throw AWSError.credentials(
                "profile '\(profile)' has no aws_access_key_id/aws_secret_access_key in \(files.credentialsPath) or \(files.configPath)"
            )
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: files.value("aws_session_token", profile: profile))
    }

    /// Runs a `credential_process` command and reads its JSON (`Version` 1).
    static func runCredentialProcess(_ command: String, profile: String) async throws -> AWSCredentials {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            throw AWSError.credentials("profile '\(profile)': credential_process could not start: \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw AWSError.credentials(
                "profile '\(profile)': credential_process exited with status \(process.terminationStatus)")
        }
        guard let json = try? JSONValue.parse(String(decoding: data, as: UTF8.self)),
            let id = json["AccessKeyId"]?.stringValue, let secret = json["SecretAccessKey"]?.stringValue
        else {
            throw AWSError.credentials(
                "profile '\(profile)': credential_process output lacks AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: json["SessionToken"]?.stringValue,
            expiration: json["Expiration"]?.stringValue.flatMap(TemporalValues.epochSeconds(iso8601:)))
    }
}

/// STS, for web identities and assumed roles (query protocol, XML answers).
public struct STSClient: Sendable {
    let client: AWSServiceClient

    /// Creates a client; `credentials` nil sends unsigned requests (web identity).
    public init(
        region: String, environment: [String: String], credentials: AWSCredentialsProvider?, http: HTTPTransport
    ) throws {
        let endpoint = try AWSEndpoint.resolve(service: "sts", region: region, environment: environment)
        client = AWSServiceClient(
            signingName: "sts", region: region, endpoint: endpoint, credentials: credentials, http: http)
    }

    /// `AssumeRoleWithWebIdentity`.
    public func assumeRoleWithWebIdentity(roleArn: String, sessionName: String, token: String) async throws
        -> AWSCredentials
    {
        try await call(
            "AssumeRoleWithWebIdentity",
            [("RoleArn", roleArn), ("RoleSessionName", sessionName), ("WebIdentityToken", token)])
    }

    /// `AssumeRole`.
    public func assumeRole(roleArn: String, sessionName: String, externalId: String?) async throws -> AWSCredentials {
        var params = [("RoleArn", roleArn), ("RoleSessionName", sessionName)]
        if let e = externalId { params.append(("ExternalId", e)) }
        return try await call("AssumeRole", params)
    }

    private func call(_ action: String, _ params: [(String, String)]) async throws -> AWSCredentials {
        let form = ([("Action", action), ("Version", "2011-06-15")] + params)
            .map { URIEncoding.percentEncode($0.0) + "=" + URIEncoding.percentEncode($0.1) }.joined(separator: "&")
        let request = client.request(
            method: "POST", path: "/", headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: Array(form.utf8))
        let response = try await client.send(request, operation: action)
        let xml = try XMLNode.parse(response.body)
        guard let c = xml.find("Credentials"), let id = c.text("AccessKeyId"), let secret = c.text("SecretAccessKey")
        else {
            throw AWSError.invalidResponse("sts \(action): no Credentials in the answer")
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: c.text("SessionToken"),
            expiration: c.text("Expiration").flatMap(TemporalValues.epochSeconds(iso8601:)))
    }
}

/// A web identity token file exchanged for role credentials through STS
/// (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`; EKS IRSA).
/// The file is read again at every refresh, as the token rotates.
public struct WebIdentityCredentialsProvider: AWSCredentialsProvider {
    let tokenFile: String
    let roleArn: String
    let sessionName: String
    let region: String
    let environment: [String: String]
    let http: HTTPTransport

    /// Creates a provider from explicit settings.
    public init(
        tokenFile: String, roleArn: String, sessionName: String, region: String, environment: [String: String],
        http: HTTPTransport
    ) {
        self.tokenFile = tokenFile
        self.roleArn = roleArn
        self.sessionName = sessionName
        self.region = region
        self.environment = environment
        self.http = http
    }

    /// A provider from the environment, or nil when it is not configured.
    public init?(environment: [String: String], http: HTTPTransport) {
        guard let file = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !file.isEmpty,
            let role = environment["AWS_ROLE_ARN"], !role.isEmpty
        else { return nil }
        self.init(
            tokenFile: file, roleArn: role,
            sessionName: environment["AWS_ROLE_SESSION_NAME"] ?? "swift-iceberg-\(Int(WallClock.nowSeconds()))",
            region: resolveAWSRegion(environment: environment) ?? "us-east-1", environment: environment, http: http)
    }

    /// Exchanges the current token for credentials.
    public func credentials() async throws -> AWSCredentials {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
            throw AWSError.credentials("web identity token file \(tokenFile) cannot be read")
        }
        let sts = try STSClient(region: region, environment: environment, credentials: nil, http: http)
        return try await sts.assumeRoleWithWebIdentity(
            roleArn: roleArn, sessionName: sessionName,
            token: token.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Container credentials, as on ECS, Lambda SnapStart and EKS Pod Identity:
/// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on `169.254.170.2`) or `…_FULL_URI`, with the
/// token of `AWS_CONTAINER_AUTHORIZATION_TOKEN` or the file `…_TOKEN_FILE`.
public struct ContainerCredentialsProvider: AWSCredentialsProvider {
    let url: String
    let environment: [String: String]
    let http: HTTPTransport

    /// A provider from the environment, or nil when it is not configured.
    public init?(environment: [String: String], http: HTTPTransport) {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            url = "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative)
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            url = full
        } else {
            return nil
        }
        self.environment = environment
        self.http = http
    }

    /// Fetches credentials from the container endpoint.
    public func credentials() async throws -> AWSCredentials {
        let endpoint = try AWSEndpoint(url: url)
        let pathAndQuery = url.dropFirst(endpoint.scheme.count + 3).drop { $0 != "/" }
        var path = String(pathAndQuery)
        var query: [(String, String)] = []
        if let q = path.firstIndex(of: "?") {
            query = path[path.index(after: q)...].split(separator: "&").map {
                let kv = $0.split(separator: "=", maxSplits: 1)
                return (
                    URIEncoding.percentDecode(kv[0]) ?? String(kv[0]),
                    kv.count > 1 ? (URIEncoding.percentDecode(kv[1]) ?? String(kv[1])) : ""
                )
            }
            path = String(path[..<q])
        }
        var request = HTTPRequest(
            method: "GET", scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port,
            path: path.isEmpty ? "/" : path, query: query)
        var token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let t = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw AWSError.credentials("container authorization token file \(file) cannot be read")
            }
            token = t.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token, !token.isEmpty { request.setHeader("Authorization", token) }
        let response = try await http.sendToAWS(request, timeout: 5)
        guard response.status == 200 else {
            throw AWSError.credentials("container credentials endpoint \(endpoint.host) answered \(response.status)")
        }
        return try Self.decode(response.body, source: "container credentials endpoint")
    }

    /// Decodes the JSON credential document of container and instance metadata endpoints.
    static func decode(_ body: [UInt8], source: String) throws -> AWSCredentials {
        guard let json = try? JSONValue.parse(String(decoding: body, as: UTF8.self)),
            let id = json["AccessKeyId"]?.stringValue, let secret = json["SecretAccessKey"]?.stringValue
        else {
            throw AWSError.credentials("\(source): the answer lacks AccessKeyId/SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyId: id, secretAccessKey: secret, sessionToken: json["Token"]?.stringValue,
            expiration: json["Expiration"]?.stringValue.flatMap(TemporalValues.epochSeconds(iso8601:)))
    }
}

/// EC2 instance metadata (IMDSv2 only: a session token is fetched first).
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` overrides the address.
public struct InstanceMetadataCredentialsProvider: AWSCredentialsProvider {
    let endpoint: AWSEndpoint
    let http: HTTPTransport

    /// Creates a provider.
    public init(environment: [String: String], http: HTTPTransport) {
        endpoint =
            (environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { try? AWSEndpoint(url: $0) })
            ?? AWSEndpoint(scheme: "http", host: "169.254.169.254")
        self.http = http
    }

    /// Fetches the instance role's credentials.
    public func credentials() async throws -> AWSCredentials {
        func request(_ method: String, _ path: String, _ headers: [(String, String)]) -> HTTPRequest {
            HTTPRequest(
                method: method, scheme: endpoint.scheme, host: endpoint.host, port: endpoint.port, path: path,
                headers: headers)
        }
        let tokenResponse = try await http.sendToAWS(
            request("PUT", "/latest/api/token", [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), timeout: 2)
        guard tokenResponse.status == 200 else {
            throw AWSError.credentials("instance metadata token request answered \(tokenResponse.status)")
        }
        let header = [("X-aws-ec2-metadata-token", tokenResponse.text)]
        let roles = try await http.sendToAWS(
            request("GET", "/latest/meta-data/iam/security-credentials/", header), timeout: 2)
        guard roles.status == 200, let role = roles.text.split(separator: "\n").first else {
            throw AWSError.credentials("instance metadata has no IAM role (status \(roles.status))")
        }
        let creds = try await http.sendToAWS(
            request("GET", "/latest/meta-data/iam/security-credentials/\(role)", header), timeout: 2)
        guard creds.status == 200 else {
            throw AWSError.credentials("instance metadata credentials answered \(creds.status)")
        }
        return try ContainerCredentialsProvider.decode(creds.body, source: "instance metadata")
    }
}
