// swift-format-ignore-file
// Block 1 of Sources/ValueFormats/ValueFormats.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import ValueFormats

func example_ValueFormats_GettingStarted1() async throws {
// BEGIN BLOCK
let days = try TemporalValues.parseDate("2026-12-05")
print(TemporalValues.formatDate(Int(days)), ByteText.hex([0xCA, 0xFE]), DecimalValues.format(1250, scale: 2))
// END BLOCK
}
