import HTTPSupport
import Iceberg
import JSONSupport

/// An error answer of a REST catalog that has no closer `CatalogError`.
public struct RESTCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: Int
    /// The server's error type (`NotAuthorizedException`, …).
    public var type: String
    /// The server's message.
    public var message: String
    /// What was asked (`GET /v1/namespaces`).
    public var request: String

    /// Creates an error.
    public init(status: Int, type: String, message: String, request: String) {
        self.status = status
        self.type = type
        self.message = message
        self.request = request
    }

    /// A readable explanation.
    public var description: String { "REST catalog: \(request) → \(status) \(type): \(message)" }
}
