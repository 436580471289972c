// `import IcebergSpec` (and so `import Iceberg`) brings the value text forms its values use:
// `TemporalValues`, `DecimalValues`, `ByteText`, `RandomUUID`, `WallClock`.
@_exported import ValueFormats
