import ArgumentParser
import Iceberg
import Parquet

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Errors already reported on stderr; exit non-zero without a second message.
struct ReportedFailure: Error {}

/// The error a command exits with: usage errors pass through for ArgumentParser to print,
/// anything else is printed as one clear line on stderr and becomes a failure exit.
func reported(_ error: Error) -> Error {
    if error is ValidationError || error is ReportedFailure || error is ExitCode { return error }
    printError("error: \(error)")
    return ExitCode.failure
}

/// Runs a command body, reporting errors as `reported(_:)` says.
func reportingErrors(_ body: () throws -> Void) throws {
    do { try body() } catch { throw reported(error) }
}

/// Runs an async command body, reporting errors as `reported(_:)` says.
func reportingErrorsAsync(_ body: () async throws -> Void) async throws {
    do { try await body() } catch { throw reported(error) }
}

func readTextFile(_ path: String) throws -> String {
    let input = try FileInput(path: path)
    return String(decoding: try input.read(offset: 0, count: input.size), as: UTF8.self)
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
