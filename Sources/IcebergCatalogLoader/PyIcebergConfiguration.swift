import Foundation
import Yams

/// PyIceberg's catalog configuration, read as PyIceberg reads it: the first
/// `.pyiceberg.yaml` found in `$PYICEBERG_HOME`, the home folder or the current folder, then
/// `PYICEBERG_CATALOG__<NAME>__<KEY>` environment variables on top (`__` inside a key is `.`,
/// `_` is `-`: `PYICEBERG_CATALOG__PROD__S3__ACCESS_KEY_ID` is `s3.access-key-id` of `prod`).
/// Names and keys are case-insensitive; values are text.
public struct PyIcebergConfiguration: Sendable, Equatable {
    /// Each catalog's properties by lower-cased name.
    public var catalogs: [String: [String: String]]
    /// `default-catalog`, if set.
    public var defaultCatalog: String?
    /// The file the settings came from (nil: environment only).
    public var file: String?

    /// An empty configuration.
    public init(catalogs: [String: [String: String]] = [:], defaultCatalog: String? = nil, file: String? = nil) {
        self.catalogs = catalogs
        self.defaultCatalog = defaultCatalog
        self.file = file
    }

    /// Reads the configuration for `environment`, looking for the file in
    /// `$PYICEBERG_HOME`, `homeDirectory` (default `$HOME`) and `currentDirectory`.
    public static func load(
        environment: [String: String], homeDirectory: String? = nil,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> PyIcebergConfiguration {
        var config = PyIcebergConfiguration()
        let dirs = [environment["PYICEBERG_HOME"], homeDirectory ?? environment["HOME"], currentDirectory]
        for dir in dirs.compactMap({ $0 }) where !dir.isEmpty {
            let path = (dir as NSString).appendingPathComponent(".pyiceberg.yaml")
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw CatalogLoaderError("\(path): cannot be read: \(error.localizedDescription)")
            }
            config = try parse(yaml: text, file: path)
            break
        }
        try config.merge(environment: environment)
        return config
    }

    /// Parses the YAML text of a `.pyiceberg.yaml` (`file` names it in errors).
    public static func parse(yaml text: String, file: String) throws -> PyIcebergConfiguration {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw CatalogLoaderError("\(file): not valid YAML: \(error)")
        }
        var config = PyIcebergConfiguration(file: file)
        guard let root else { return config }
        guard let top = root.mapping else { throw CatalogLoaderError("\(file): expected a mapping at the top level") }
        for (keyNode, value) in top {
            let key = (keyNode.string ?? "").lowercased()
            switch key {
            case "default-catalog":
                guard let name = value.scalar?.string else {
                    throw CatalogLoaderError("\(file): default-catalog must be a name")
                }
                config.defaultCatalog = name
            case "catalog":
                guard let catalogs = value.mapping else {
                    throw CatalogLoaderError("\(file): catalog must map names to settings")
                }
                for (nameNode, settings) in catalogs {
                    let name = (nameNode.string ?? "").lowercased()
                    guard let pairs = settings.mapping else {
                        throw CatalogLoaderError("\(file): catalog '\(name)' must map keys to values")
                    }
                    var properties: [String: String] = [:]
                    for (k, v) in pairs {
                        let propertyKey = (k.string ?? "").lowercased()
                        guard let text = v.scalar?.string else {
                            throw CatalogLoaderError(
                                "\(file): catalog '\(name)', key '\(propertyKey)': expected a single value")
                        }
                        properties[propertyKey] = text
                    }
                    config.catalogs[name] = properties
                }
            default:
                continue  // PyIceberg's runtime settings (max-workers, …) say nothing about catalogs
            }
        }
        return config
    }

    /// Applies `PYICEBERG_…` variables as PyIceberg does (they win over the file).
    mutating func merge(environment: [String: String]) throws {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            guard lower.hasPrefix("pyiceberg_"), lower != "pyiceberg_home" else { continue }
            let parts = Self.split(String(lower.dropFirst("pyiceberg_".count)))
            switch parts.count {
            case 1 where parts[0] == "default-catalog":
                defaultCatalog = value
            case 3 where parts[0] == "catalog":
                catalogs[parts[1], default: [:]][parts[2]] = value
            case _ where parts[0] == "catalog":
                throw CatalogLoaderError("environment variable \(name): expected PYICEBERG_CATALOG__<NAME>__<KEY>")
            default:
                continue  // PyIceberg's runtime settings (PYICEBERG_MAX_WORKERS, …)
            }
        }
    }

    /// `catalog__prod__s3__access_key_id` → `["catalog", "prod", "s3.access-key-id"]`.
    private static func split(_ key: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(key)
        while parts.count < 2, let r = rest.range(of: "__") {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts.map { $0.replacingOccurrences(of: "__", with: ".").replacingOccurrences(of: "_", with: "-") }
    }

    /// The properties of catalog `name` (case-insensitive), if configured.
    public func catalog(named name: String) -> [String: String]? { catalogs[name.lowercased()] }
}
