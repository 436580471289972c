import Parquet

// Parquet reads and writes reach a `FileIO` through these adapters; `FileIO` itself knows
// nothing of Parquet. Parquet's local file types serve as `LocalFileIO`'s files directly.

extension FileInput: InputFile {}
extension FileSink: OutputFile {}

/// A FileIO input as Parquet's random-access input.
final class ParquetInput: RandomAccessInput {
    let file: InputFile
    init(_ file: InputFile) { self.file = file }
    var size: Int { file.size }
    func read(offset: Int, count: Int) throws -> [UInt8] { try file.read(offset: offset, count: count) }

    /// `file` itself when it already is a Parquet input, else an adapter.
    static func of(_ file: InputFile) -> RandomAccessInput { (file as? RandomAccessInput) ?? ParquetInput(file) }

    /// The ranged remote file behind a Parquet input, if it is one.
    static func ranged(_ input: RandomAccessInput) -> RangedInputFile? {
        (input as? RangedInputFile) ?? ((input as? ParquetInput)?.file as? RangedInputFile)
    }
}

/// A FileIO output as Parquet's byte sink.
final class ParquetOutput: ByteSink {
    let file: OutputFile
    init(_ file: OutputFile) { self.file = file }
    func write(_ bytes: UnsafeRawBufferPointer) throws { try file.write(bytes) }
    func close() throws { try file.close() }

    /// `file` itself when it already is a Parquet sink, else an adapter.
    static func of(_ file: OutputFile) -> ByteSink { (file as? ByteSink) ?? ParquetOutput(file) }
}
