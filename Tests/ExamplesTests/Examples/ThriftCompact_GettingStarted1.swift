// swift-format-ignore-file
// Block 1 of Sources/ThriftCompact/ThriftCompact.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import ThriftCompact

func example_ThriftCompact_GettingStarted1() async throws {
// BEGIN BLOCK
var writer = CompactWriter()
writer.writeFieldHeader(1, .i32)
writer.writeI32(42)
var reader = CompactReader(bytes: writer.bytes)
let header = try reader.readFieldHeader()
print(header?.id ?? -1, try reader.readI32())
// END BLOCK
}
