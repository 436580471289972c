// `import AWSTransport` brings the HTTP request and transport types its clients and signer use.
@_exported import HTTPSupport
