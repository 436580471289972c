import Iceberg
import Yams

/// What a caller of the REST server may do. Each role includes the ones before it.
public enum RESTRole: String, Sendable, Comparable, CaseIterable {
    /// List and load namespaces and tables, report metrics.
    case read
    /// Also create, change, rename and drop (without purge) namespaces and tables, and commit.
    case write
    /// Also purge tables' files and register existing metadata files as tables.
    case admin

    /// Roles in the order they include each other.
    public static func < (a: RESTRole, b: RESTRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A caller the server knows: the credential it proves, its role and the namespaces the role
/// covers (with their children), or the whole catalog.
public struct RESTPrincipal: Sendable {
    /// A credential a caller presents.
    public enum Credential: Sendable {
        /// `Authorization: Bearer <token>`.
        case token(String)
        /// OAuth2 client credentials exchanged at `/v1/oauth/tokens` for bearer tokens.
        case oauthClient(id: String, secret: String)
        /// An AWS SigV4 access key and its secret.
        case sigv4Key(id: String, secret: String)
    }

    /// The name in logs and error messages (never a secret).
    public var name: String
    /// The credential.
    public var credential: Credential
    /// The role.
    public var role: RESTRole
    /// The namespaces the role covers, with everything below them; nil for the whole catalog.
    public var namespaces: [Namespace]?

    /// Creates a principal.
    public init(name: String, credential: Credential, role: RESTRole, namespaces: [Namespace]? = nil) {
        self.name = name
        self.credential = credential
        self.role = role
        self.namespaces = namespaces
    }

    /// Anyone, when the server asks for no credentials.
    static let anonymous = RESTPrincipal(name: "anonymous", credential: .token(""), role: .admin)

    /// Whether the role covers a namespace.
    func covers(_ namespace: Namespace) -> Bool {
        guard let namespaces else { return true }
        return namespaces.contains { namespace.levels.starts(with: $0.levels) }
    }

    /// Whether a namespace shows in listings: it is covered or leads to one that is.
    func sees(_ namespace: Namespace) -> Bool {
        guard let namespaces else { return true }
        return namespaces.contains { $0.levels.starts(with: namespace.levels) } || covers(namespace)
    }
}

/// How the server authenticates callers and what each may do: a list of principals (none: anyone
/// may do anything), each proving a bearer token, OAuth2 client credentials or a SigV4 key.
public struct RESTServerAuth: Sendable {
    /// The principals.
    public var principals: [RESTPrincipal]
    /// Lifetime of bearer tokens issued to OAuth2 clients.
    public var tokenLifetimeSeconds: Int
    /// The service name SigV4 requests must be signed for.
    public var sigv4Service: String
    /// The region SigV4 requests must be signed for.
    public var sigv4Region: String

    /// Creates an authentication setting; principal names and credentials must be unique.
    public init(
        principals: [RESTPrincipal], tokenLifetimeSeconds: Int = 3600, sigv4Service: String = "execute-api",
        sigv4Region: String = "us-east-1"
    ) {
        self.principals = principals
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
        self.sigv4Service = sigv4Service
        self.sigv4Region = sigv4Region
    }

    /// The first name or credential two principals share, described; nil when all differ.
    public var repeated: String? {
        var names = Set<String>()
        var credentials = Set<String>()
        for p in principals {
            if !names.insert(p.name).inserted { return "the name '\(p.name)'" }
            let identity: String
            switch p.credential {
            case .token(let t): identity = "token \(t)"
            case .oauthClient(let id, _): identity = "OAuth2 client \(id)"
            case .sigv4Key(let id, _): identity = "SigV4 key \(id)"
            }
            if !credentials.insert(identity).inserted {
                if case .token = p.credential { return "a token (of \(p.name))" }
                return identity
            }
        }
        return nil
    }

    /// Anyone may call and do anything.
    public static let none = RESTServerAuth(principals: [])

    /// Callers with one of these bearer tokens, as administrators.
    public static func bearer(_ tokens: Set<String>) -> RESTServerAuth {
        RESTServerAuth(
            principals: tokens.sorted().enumerated().map {
                RESTPrincipal(name: "token \($0.offset + 1)", credential: .token($0.element), role: .admin)
            })
    }

    /// One OAuth2 client, as administrator; issued tokens expire after `tokenLifetimeSeconds`.
    public static func oauth2(clientId: String, clientSecret: String, tokenLifetimeSeconds: Int) -> RESTServerAuth {
        RESTServerAuth(
            principals: [
                RESTPrincipal(
                    name: clientId, credential: .oauthClient(id: clientId, secret: clientSecret), role: .admin)
            ], tokenLifetimeSeconds: tokenLifetimeSeconds)
    }

    /// Requests signed with SigV4 for `service`/`region` by these keys (id → secret), as administrators.
    public static func sigv4(service: String, region: String, secrets: [String: String]) -> RESTServerAuth {
        RESTServerAuth(
            principals: secrets.sorted { $0.key < $1.key }.map {
                RESTPrincipal(name: $0.key, credential: .sigv4Key(id: $0.key, secret: $0.value), role: .admin)
            }, sigv4Service: service, sigv4Region: region)
    }

    /// Principals from an access file (`iceberg serve --access FILE`):
    ///
    /// ```yaml
    /// principals:
    ///   - token: "s3cr3t"            # or oauth-client: ID:SECRET, or sigv4-key: ID:SECRET
    ///     role: read                 # read, write or admin
    ///     namespaces: [sales, ops.eu]  # optional: the role covers these (and below) only; levels split at '.'
    ///     name: dashboards           # optional: the name in logs
    /// ```
    ///
    /// Unknown keys, missing roles and credentials given twice are errors naming the entry.
    public init(accessFile text: String, file: String) throws {
        func fail(_ message: String) -> CatalogError { .invalidArgument("\(file): \(message)") }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw fail("not valid YAML: \(error)") }
        guard let list = root?.mapping?["principals"]?.sequence, root?.mapping?.count == 1 else {
            throw fail("expected one key, 'principals', holding a list")
        }
        var principals: [RESTPrincipal] = []
        var seen = Set<String>()
        for (i, node) in list.enumerated() {
            let entry = "principal \(i + 1)"
            guard let mapping = node.mapping else { throw fail("\(entry) is not a mapping") }
            var fields: [String: Node] = [:]
            for (key, value) in mapping {
                guard let k = key.string,
                    ["token", "oauth-client", "sigv4-key", "role", "namespaces", "name"].contains(k)
                else {
                    throw fail("\(entry): unknown key '\(key.string ?? "?")'")
                }
                fields[k] = value
            }
            let credentials = ["token", "oauth-client", "sigv4-key"].filter { fields[$0] != nil }
            guard credentials.count == 1, let kind = credentials.first, let secret = fields[kind]?.string,
                !secret.isEmpty
            else {
                throw fail("\(entry) needs exactly one of token, oauth-client or sigv4-key, as text")
            }
            guard let roleText = fields["role"]?.string, let role = RESTRole(rawValue: roleText) else {
                throw fail("\(entry): role must be read, write or admin")
            }
            var namespaces: [Namespace]? = nil
            if let node = fields["namespaces"] {
                guard let items = node.sequence?.compactMap(\.string), items.count == node.sequence?.count,
                    !items.isEmpty
                else {
                    throw fail("\(entry): namespaces must be a list of names")
                }
                namespaces = try items.map { name in
                    let levels = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    guard !levels.contains(where: \.isEmpty) else {
                        throw fail("\(entry): '\(name)' is not a namespace")
                    }
                    return Namespace(levels)
                }
            }
            let credential: RESTPrincipal.Credential
            let identity: String
            if kind == "token" {
                credential = .token(secret)
                identity = "token \(secret)"
            } else {
                guard let colon = secret.firstIndex(of: ":"), colon != secret.startIndex,
                    secret.index(after: colon) != secret.endIndex
                else {
                    throw fail("\(entry): \(kind) must be ID:SECRET")
                }
                let id = String(secret[..<colon])
                let key = String(secret[secret.index(after: colon)...])
                credential = kind == "oauth-client" ? .oauthClient(id: id, secret: key) : .sigv4Key(id: id, secret: key)
                identity = "\(kind) \(id)"
            }
            guard seen.insert(identity).inserted else { throw fail("\(entry) repeats a credential of an earlier one") }
            let name: String
            if let given = fields["name"]?.string {
                name = given
            } else if case .token = credential {
                name = "principal \(i + 1)"
            } else {
                name = String(identity.split(separator: " ", maxSplits: 1)[1])
            }
            guard !principals.contains(where: { $0.name == name }) else {
                throw fail("\(entry) repeats the name '\(name)' (names keep principals' idempotency keys apart)")
            }
            principals.append(RESTPrincipal(name: name, credential: credential, role: role, namespaces: namespaces))
        }
        guard !principals.isEmpty else { throw fail("the list of principals is empty") }
        self.init(principals: principals)
    }
}
