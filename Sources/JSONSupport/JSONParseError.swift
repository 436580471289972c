/// An error in JSON text, with the byte offset.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Byte offset of the problem.
    public var offset: Int
    /// A readable explanation.
    public var description: String { "invalid JSON at byte \(offset): \(message)" }

    /// Creates an error.
    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
}
