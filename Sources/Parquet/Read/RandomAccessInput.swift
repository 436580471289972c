#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A source of bytes readable at any offset (a local file, memory, an object-store object).
/// Reads may come from several tasks at once.
public protocol RandomAccessInput: AnyObject {
    /// Total size in bytes.
    var size: Int { get }
    /// Reads exactly `count` bytes at `offset`; throws if the range is outside the input.
    func read(offset: Int, count: Int) throws -> [UInt8]
}

/// An in-memory input.
public final class MemoryInput: RandomAccessInput {
    /// The bytes.
    public let bytes: [UInt8]
    /// Wraps bytes.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// The byte count.
    public var size: Int { bytes.count }
    /// Copies a range.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ParquetError.malformedFile("range \(offset)+\(count) is outside the \(bytes.count)-byte input")
        }
        return Array(bytes[offset..<offset + count])
    }
}

/// A local file read with `pread`.
public final class FileInput: RandomAccessInput {
    /// The file path.
    public let path: String
    /// The file size when opened.
    public let size: Int
    private let fd: Int32

    /// Opens a file for reading.
    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError.io("cannot open '\(path)': \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ParquetError.io("cannot stat '\(path)': \(message)")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ParquetError.io("'\(path)' is not a regular file")
        }
        size = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Reads a range with `pread`.
    public func read(offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size - count else {
            throw ParquetError.malformedFile("range \(offset)+\(count) is outside the \(size)-byte file '\(path)'")
        }
        var failure: String? = nil
        let out = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    break
                }
                if n == 0 {
                    failure = "unexpected end of file"
                    break
                }
                done += n
            }
            initialized = failure == nil ? count : 0
        }
        if let failure { throw ParquetError.io("read of '\(path)' at \(offset) failed: \(failure)") }
        return out
    }
}
