// swift-format-ignore-file
// Block 1 of Sources/JSONSupport/JSONSupport.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import JSONSupport

func example_JSONSupport_GettingStarted1() async throws {
// BEGIN BLOCK
let value = try JSONValue.parse(#"{"id": 1, "tags": ["a", "b"], "price": 2.5}"#)
print(value["tags"]?.arrayValue?.count ?? 0, value.serialized())
// END BLOCK
}
