/// Signs a request before it is sent (adds an `Authorization` header or query parameters):
/// SigV4 in AWSTransport, or any scheme a caller brings.
public protocol HTTPRequestSigner: Sendable {
    /// Signs `request` in place; throws when no credentials can be had.
    func sign(_ request: inout HTTPRequest) async throws
}
