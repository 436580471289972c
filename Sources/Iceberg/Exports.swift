// `import Iceberg` brings the spec model (types, schemas, values, transforms, expressions,
// table metadata, manifests, table properties) along with the table layer built on it.
@_exported import IcebergSpec
