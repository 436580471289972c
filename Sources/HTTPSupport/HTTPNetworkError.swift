import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A request that did not complete: the connection failed, was reset or timed out. The
/// message names the method and host, never a header's value.
public struct HTTPNetworkError: Error, Sendable, CustomStringConvertible {
    /// What failed, and where.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}
