import Iceberg

/// One kind of catalog the loader can open, declared once: the URI schemes that name it, its
/// PyIceberg `type`, the configuration keys it reads, and how to open it from each form
/// (iceberg-rust's catalog loader and iceberg-go's registry have the same shape).
public struct CatalogKind: Sendable {
    /// Opens a catalog from a parsed URI.
    public typealias OpenURI = @Sendable (_ uri: CatalogURI, _ loader: CatalogLoader) async throws -> any Catalog
    /// Opens catalog `name` from PyIceberg-style properties; `place` names the setting in errors.
    public typealias OpenProperties =
        @Sendable (_ name: String, _ properties: [String: String], _ loader: CatalogLoader, _ place: String)
        async throws -> any Catalog

    /// A short name for errors and listings (`sqlite`, `glue`, …).
    public var name: String
    /// The URI schemes that open this kind (`sqlite` for `sqlite:PATH`), with the form shown in
    /// errors; empty when it is only configured by properties.
    public var uriSchemes: [String]
    /// The URI forms, for error messages (`sqlite:PATH?warehouse=DIR`).
    public var uriForms: [String]
    /// The PyIceberg `type` values that open this kind; empty when it has none.
    public var types: [String]
    /// The configuration keys this kind reads beyond `type`, `uri` and `warehouse`.
    public var configurationKeys: Set<String>
    /// Key prefixes this kind reads (`header.` for REST headers).
    public var configurationKeyPrefixes: [String]
    /// Opens from a URI (nil when the kind has no URI form).
    public var openURI: OpenURI?
    /// Opens from properties (nil when the kind has no PyIceberg type).
    public var openProperties: OpenProperties?

    /// Declares a kind.
    public init(
        name: String, uriSchemes: [String] = [], uriForms: [String] = [], types: [String] = [],
        configurationKeys: Set<String> = [], configurationKeyPrefixes: [String] = [], openURI: OpenURI? = nil,
        openProperties: OpenProperties? = nil
    ) {
        self.name = name
        self.uriSchemes = uriSchemes
        self.uriForms = uriForms
        self.types = types
        self.configurationKeys = configurationKeys
        self.configurationKeyPrefixes = configurationKeyPrefixes
        self.openURI = openURI
        self.openProperties = openProperties
    }
}

/// A catalog URI split at its scheme: `glue:123?warehouse=s3://b/p` is scheme `glue`, body
/// `123`, query `warehouse=s3://b/p`; `rest+https://host/p?warehouse=w` is scheme
/// `rest+https`, body `//host/p`.
public struct CatalogURI: Sendable, Equatable {
    /// The whole URI as given.
    public var text: String
    /// What comes before the first `:` or `?`.
    public var scheme: String
    /// What comes after `scheme:` and before `?`.
    public var body: String
    /// What comes after the first `?` (empty when none).
    public var query: String

    /// Splits `text`.
    public init(_ text: String) {
        self.text = text
        let beforeQuery: Substring
        if let q = text.firstIndex(of: "?") {
            beforeQuery = text[..<q]
            query = String(text[text.index(after: q)...])
        } else {
            beforeQuery = Substring(text)
            query = ""
        }
        if let colon = beforeQuery.firstIndex(of: ":") {
            scheme = String(beforeQuery[..<colon])
            body = String(beforeQuery[beforeQuery.index(after: colon)...])
        } else {
            scheme = String(beforeQuery)
            body = ""
        }
    }

    /// The value of `key` in the query (`a=1&b=2`).
    public func queryValue(_ key: String) -> String? {
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2, kv[0] == key { return kv[1] }
        }
        return nil
    }
}

/// The catalog kinds a loader knows: each declared once, looked up by URI scheme or by
/// PyIceberg `type`.
public struct CatalogRegistry: Sendable {
    /// The kinds, in the order errors list them.
    public private(set) var kinds: [CatalogKind]

    /// Keys every kind may be given (the kind's type, its URI, its warehouse, and PyIceberg's
    /// choice of Python FileIO, which means nothing here).
    public static let commonKeys: Set<String> = ["type", "uri", "warehouse", "py-io-impl"]

    /// A registry of `kinds`; a later kind may not claim a scheme or type an earlier one has.
    public init(_ kinds: [CatalogKind]) throws {
        self.kinds = []
        for kind in kinds { try register(kind) }
    }

    /// Adds a kind; its schemes and types must be new.
    public mutating func register(_ kind: CatalogKind) throws {
        for scheme in kind.uriSchemes where self.kind(forScheme: scheme) != nil {
            throw CatalogLoaderError("catalog URI scheme '\(scheme)' is registered twice")
        }
        for type in kind.types where self.kind(forType: type) != nil {
            throw CatalogLoaderError("catalog type '\(type)' is registered twice")
        }
        kinds.append(kind)
    }

    /// The kind a URI scheme opens.
    public func kind(forScheme scheme: String) -> CatalogKind? {
        kinds.first { $0.uriSchemes.contains(scheme) }
    }

    /// The kind a PyIceberg `type` opens (case-insensitive).
    public func kind(forType type: String) -> CatalogKind? {
        let lowered = type.lowercased()
        return kinds.first { $0.types.contains(lowered) }
    }

    /// Whether some kind reads `key`.
    public func knows(key: String) -> Bool {
        Self.commonKeys.contains(key)
            || kinds.contains { kind in
                kind.configurationKeys.contains(key) || kind.configurationKeyPrefixes.contains { key.hasPrefix($0) }
            }
    }

    /// Every key some kind reads (prefixes not included).
    public var knownKeys: Set<String> {
        kinds.reduce(into: Self.commonKeys) { $0.formUnion($1.configurationKeys) }
    }

    /// The URI forms, for error messages.
    var uriForms: String { kinds.flatMap(\.uriForms).joined(separator: ", ") }

    /// The types, for error messages (`sql, rest, glue or in-memory`).
    var typeList: String {
        let types = kinds.flatMap(\.types)
        guard types.count > 1 else { return types.first ?? "" }
        return types.dropLast().joined(separator: ", ") + " or " + types[types.count - 1]
    }
}
