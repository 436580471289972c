// swift-format-ignore-file
// Block 1 of Sources/HTTPSupport/HTTPSupport.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import HTTPSupport

func example_HTTPSupport_GettingStarted1() async throws {
// BEGIN BLOCK
let request = HTTPRequest(method: "GET", scheme: "http", host: "127.0.0.1", port: 8181, path: "/v1/config")
print(request.url, URIEncoding.percentEncode("a b/c"))
// END BLOCK
}
