/// The locations a catalog may touch: a location is inside when its canonical form (as the
/// FileIO resolves it: symbolic links followed, URL scheme aliases unified, `..` refused or
/// resolved) is one of the allowed prefixes or lies in one of their folders.
public struct LocationConfinement: Sendable {
    /// The allowed prefixes, canonical, without a trailing `/`.
    public let prefixes: [String]
    /// The FileIO whose view of locations is checked.
    public let io: FileIO

    /// Confines to `locations` (a warehouse and any other prefixes) as `io` resolves them.
    public init(allowing locations: [String], io: FileIO) throws {
        guard !locations.isEmpty else { throw CatalogError.invalidArgument("no location is allowed") }
        prefixes = try locations.map { location in
            do {
                var c = try io.canonicalLocation(location)
                while c.count > 1, c.hasSuffix("/") { c.removeLast() }
                return c
            } catch {
                throw CatalogError.invalidArgument("allowed location '\(location)': \(error)")
            }
        }
        self.io = io
    }

    /// The canonical form of a location, or nil when it cannot be resolved.
    public func canonical(_ location: String) -> String? { try? io.canonicalLocation(location) }

    /// Whether a location is inside the allowed prefixes.
    public func contains(_ location: String) -> Bool {
        guard let c = canonical(location) else { return false }
        return prefixes.contains { Self.isWithin(c, $0) }
    }

    /// Throws `CatalogError.forbidden` naming `field` unless the location is inside.
    public func check(_ location: String, _ field: String) throws {
        let c: String
        do { c = try io.canonicalLocation(location) } catch {
            throw CatalogError.forbidden("\(field) '\(location)' cannot be checked: \(error)")
        }
        guard prefixes.contains(where: { Self.isWithin(c, $0) }) else {
            throw CatalogError.forbidden("\(field) '\(location)' is outside the locations this catalog may use")
        }
    }

    /// Whether canonical `location` is `folder` or lies under it.
    public static func isWithin(_ location: String, _ folder: String) -> Bool {
        if folder == "/" { return location.hasPrefix("/") }
        return location == folder || location.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
