// swift-format-ignore-file
// Block 1 of Sources/AWSTransport/AWSTransport.docc/GettingStarted.md, compiled; written by scripts/doc-examples.py.
import AWSTransport

func example_AWSTransport_GettingStarted1() async throws {
// BEGIN BLOCK
let signer = SigV4Signer(service: "s3", region: "us-east-1")
var request = HTTPRequest(method: "GET", host: "my-bucket.s3.us-east-1.amazonaws.com", path: "/data/file.parquet")
signer.sign(&request, credentials: AWSCredentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret"), date: AWSDate.now())
print(request.headers.map(\.0))
// END BLOCK
}
