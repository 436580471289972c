import Foundation
import Yams

/// A catalog that cannot be loaded: a malformed URI or configuration (what, and where).
public struct CatalogLoaderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the file, catalog and key or the URI.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
