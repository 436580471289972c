import XCTest

@testable import Iceberg
@testable import Parquet

#if canImport(Glibc)
    import Glibc
#endif

/// Malformed input gives a ParquetError naming what is wrong — never a crash, hang or huge
/// allocation. The committed corpus (Fixtures/parquet/malformed, made by its generate.py from
/// a pyarrow file) is checked first; then systematic truncations and byte flips of files we write.
final class MalformedFileTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/parquet/malformed")

    func readEverything(_ input: RandomAccessInput) throws {
        let reader = try ParquetReader(input: input)
        let assembler = try RecordAssembler(schema: reader.schema)
        for g in 0..<reader.rowGroupCount {
            _ = try assembler.assemble(try reader.readRowGroup(g))
            for c in reader.schema.columns.indices {
                _ = try reader.columnIndex(rowGroup: g, column: c)
                _ = try reader.offsetIndex(rowGroup: g, column: c)
            }
        }
    }

    func testCommittedCorpusFailsCleanly() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter {
            $0.hasSuffix(".parquet")
        }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        for file in files {
            XCTAssertThrowsError(
                try readEverything(try FileInput(path: Self.corpus.appendingPathComponent(file).path)), file
            ) { error in
                XCTAssertTrue(error is ParquetError, "\(file): \(error)")
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
    }

    func sampleFile(_ options: ParquetWriterOptions) throws -> [UInt8] {
        let schema = try Schema(fields: [
            .required(1, "id", .long), .optional(2, "s", .string),
            .optional(3, "l", .list(ListType(elementId: 4, elementRequired: false, element: .int))),
            .optional(5, "d", .decimal(precision: 30, scale: 2)),
        ])
        var shredder = try JSONRowShredder(schema: schema)
        for i in 0..<300 {
            try shredder.append(
                .object([
                    ("id", .int(Int64(i))), ("s", i % 4 == 0 ? .null : .string("str\(i % 9)")),
                    ("l", .array([.int(Int64(i)), .null])), ("d", .string("\(i).25")),
                ]), rowNumber: i + 1)
        }
        let sink = MemorySink()
        let writer = try ParquetWriter(sink: sink, schema: shredder.parquetSchema, options: options)
        try writer.write(shredder.takeColumns())
        try writer.close()
        return sink.bytes
    }

    func testTruncationsAndByteFlipsNeverCrash() throws {
        var o1 = ParquetWriterOptions()
        o1.dataPageSize = 256
        var o2 = ParquetWriterOptions()
        o2.compression = .zstd(level: 1)
        o2.dataPageVersion = .v2
        o2.dataPageSize = 300
        var o3 = ParquetWriterOptions()
        o3.compression = .gzip(level: 1)
        o3.enableDictionary = false
        var o4 = ParquetWriterOptions()
        o4.compression = .uncompressed
        o4.columnEncodings = ["id": .deltaBinaryPacked, "s": .deltaLengthByteArray]
        var state: UInt64 = 2024
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var failures = 0
        var successes = 0
        for options in [o1, o2, o3, o4] {
            let good = try sampleFile(options)
            try readEverything(MemoryInput(good))
            // Every truncation point in the footer region, and a sample elsewhere.
            var cuts = Array(max(0, good.count - 400)..<good.count)
            for _ in 0..<100 { cuts.append(next() % good.count) }
            for cut in cuts {
                do {
                    try readEverything(MemoryInput(Array(good[0..<cut])))
                    successes += 1
                } catch { failures += 1 }
            }
            // Random byte flips anywhere.
            for _ in 0..<600 {
                var bad = good
                for _ in 0..<(1 + next() % 3) {
                    let i = 4 + next() % (good.count - 12)
                    bad[i] ^= UInt8(truncatingIfNeeded: 1 + next() % 255)
                }
                do {
                    try readEverything(MemoryInput(bad))
                    successes += 1
                } catch { failures += 1 }
            }
        }
        XCTAssertGreaterThan(failures, 1000)
    }

    func testSpecificCorruptions() throws {
        let good = try sampleFile(ParquetWriterOptions())
        func expect(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try readEverything(MemoryInput(bytes)), line: line) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
            }
        }
        expect(Array("PAR1".utf8), "too short")
        var badMagic = good
        badMagic[0] = UInt8(ascii: "X")
        expect(badMagic, "leading magic")
        var badTail = good
        badTail[good.count - 1] = 0
        expect(badTail, "trailing magic")
        var hugeFooter = good
        hugeFooter[good.count - 8] = 0xFF
        hugeFooter[good.count - 7] = 0xFF
        hugeFooter[good.count - 6] = 0xFF
        hugeFooter[good.count - 5] = 0x7F
        expect(hugeFooter, "footer length")
        var footerGarbage = good
        let footerLength = Int(good[good.count - 8]) | Int(good[good.count - 7]) << 8
        for i in (good.count - 8 - footerLength)..<(good.count - 8) { footerGarbage[i] = 0xFF }
        expect(footerGarbage, "malformed Parquet footer")
    }

    /// The file with its footer changed; `extra` bytes go just before the new footer, at the
    /// offset `change` is given.
    func rewritingFooter(
        _ file: [UInt8], extra: [UInt8] = [], _ change: (inout FileMetaData, _ extraOffset: Int64) -> Void
    ) throws -> [UInt8] {
        let length = (0..<4).reduce(0) { $0 | Int(file[file.count - 8 + $1]) << (8 * $1) }
        let footerStart = file.count - 8 - length
        var metadata = try FileMetaData(thrift: Array(file[footerStart..<(file.count - 8)]))
        change(&metadata, Int64(footerStart))
        let footer = metadata.serialized()
        return Array(file[..<footerStart]) + extra + footer
            + (0..<4).map { UInt8(truncatingIfNeeded: footer.count >> (8 * $0)) } + Array("PAR1".utf8)
    }

    /// A chunk whose footer claims Int64.max uncompressed bytes: the size only sizes a buffer
    /// up front, so the values read as before (it used to overflow while sizing it).
    func testAnAbsurdUncompressedChunkSizeOnlyBoundsTheReservation() throws {
        let good = try sampleFile(ParquetWriterOptions())
        let bad = try rewritingFooter(good) { metadata, _ in
            for c in metadata.rowGroups[0].columns.indices {
                metadata.rowGroups[0].columns[c].metaData?.totalUncompressedSize = .max
            }
        }
        let expected = try ParquetReader(input: MemoryInput(good)).readRowGroup(0)
        XCTAssertEqual(try ParquetReader(input: MemoryInput(bad)).readRowGroup(0), expected)
    }

    /// Offset-index page locations at Int64.max, or sizes that run past the chunk from near the
    /// end of the address space: the index is not used (the chunk is read whole) and the
    /// selected rows come back as without an index (the sum used to overflow).
    func testOffsetIndexLocationsThatOverflowAreIgnored() throws {
        var options = ParquetWriterOptions()
        options.dataPageSize = 256
        let good = try sampleFile(options)
        let reader = try ParquetReader(input: MemoryInput(good))
        let index = try XCTUnwrap(try reader.offsetIndex(rowGroup: 0, column: 0))
        XCTAssertGreaterThanOrEqual(index.pageLocations.count, 2)
        let rows = RowSelection([10..<20, 250..<260])
        let expected = try reader.readColumn(rowGroup: 0, column: 0, rows: rows)
        for (offset, size) in [(Int64.max, Int32(10)), (Int64.max - 5, Int32.max), (Int64(-1), Int32(10))] {
            var changed = index
            changed.pageLocations[1].offset = offset
            changed.pageLocations[1].compressedPageSize = size
            let extra = changed.serialized()
            let bad = try rewritingFooter(good, extra: extra) { metadata, at in
                metadata.rowGroups[0].columns[0].offsetIndexOffset = at
                metadata.rowGroups[0].columns[0].offsetIndexLength = Int32(extra.count)
            }
            let read = try ParquetReader(input: MemoryInput(bad)).readColumn(rowGroup: 0, column: 0, rows: rows)
            XCTAssertEqual(read, expected, "offset \(offset), size \(size)")
        }
    }

    /// A bit-packed run of width 0 (a dictionary of one value) claiming 2^31 values takes no
    /// bytes: it decodes as zeros without allocating room for all of them (it used to ask for 8 GiB).
    func testAZeroWidthBitPackedRunAllocatesNothing() throws {
        var bytes: [UInt8] = []
        bytes.appendVarint(UInt64(Int32.max / 8) << 1 | 1)
        var out = [UInt32](repeating: 7, count: 1000)
        func peakResidentBytes() -> Int {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            return usage.ru_maxrss * 1024
        }
        let peakBefore = peakResidentBytes()
        try bytes.withUnsafeBytes { raw in
            var d = RLEHybridDecoder(raw, start: 0, end: raw.count, width: 0)
            try out.withUnsafeMutableBufferPointer { try d.decode(into: $0.baseAddress!, count: 500) }
            try out.withUnsafeMutableBufferPointer { try d.decode(into: $0.baseAddress! + 500, count: 500) }
        }
        XCTAssertEqual(out, [UInt32](repeating: 0, count: 1000))
        XCTAssertLessThan(peakResidentBytes() - peakBefore, 1 << 30, "the decoder's peak memory grew by a GiB or more")
    }

    /// A Bloom filter lies before the footer: one without a stored length is read up to the
    /// footer at most (as files of writers before `bloom_filter_length` have it), one whose
    /// stored length runs into the footer is refused naming it, one placed inside the footer
    /// is no filter.
    func testBloomFiltersAreReadBeforeTheFooterOnly() throws {
        let schema = try ParquetSchema(fields: [.primitive("id", .int64, .required)])
        var options = ParquetWriterOptions()
        options.bloomFilterColumns = ["id": 0.01]
        let ids = (0..<200).map(Int64.init)
        let bytes = try writeInMemory(
            schema, [[ColumnData(values: .int64(ids), definitionLevels: [UInt8](repeating: 0, count: ids.count))]],
            options)
        let original = try ParquetReader(input: MemoryInput(bytes))
        let footerStart = bytes.count - 8 - original.footer.length
        /// The file with its footer's first chunk changed.
        func withChunk(_ change: (inout ColumnMetaData) -> Void) throws -> ParquetReader {
            var meta = original.metadata
            change(&meta.rowGroups[0].columns[0].metaData!)
            let footer = meta.serialized()
            let n = UInt32(footer.count)
            let file =
                Array(bytes[..<footerStart]) + footer + [
                    UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24),
                ]
                + Array("PAR1".utf8)
            return try ParquetReader(input: MemoryInput(file))
        }
        let hash = SplitBlockBloomFilter.hash(Int64(42))
        XCTAssertEqual(try original.bloomFilterMightContain(rowGroup: 0, column: 0, hashes: [hash]), true)

        let withoutLength = try withChunk { $0.bloomFilterLength = nil }
        XCTAssertEqual(try withoutLength.bloomFilterMightContain(rowGroup: 0, column: 0, hashes: [hash]), true)
        XCTAssertEqual(
            try withoutLength.bloomFilter(rowGroup: 0, column: 0)?.words,
            try original.bloomFilter(rowGroup: 0, column: 0)?.words)

        let offset = try XCTUnwrap(original.metadata.rowGroups[0].columns[0].metaData?.bloomFilterOffset)
        let tooLong = try withChunk { $0.bloomFilterLength = Int32(footerStart - Int(offset) + 1) }
        XCTAssertThrowsError(try tooLong.bloomFilterMightContain(rowGroup: 0, column: 0, hashes: [hash])) { error in
            XCTAssertTrue("\(error)".contains("runs into the footer"), "\(error)")
        }
        let inFooter = try withChunk {
            $0.bloomFilterOffset = Int64(footerStart + 2)
            $0.bloomFilterLength = nil
        }
        XCTAssertNil(try inFooter.bloomFilterMightContain(rowGroup: 0, column: 0, hashes: [hash]))
    }
}
