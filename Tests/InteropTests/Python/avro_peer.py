"""fastavro as the Avro peer: read a container file to JSON, or write one from JSON records.

  avro_peer.py read FILE                      -> {"schema": ..., "metadata": {...}, "records": [...]}
  avro_peer.py write SCHEMA.json RECORDS.json OUT CODEC
Bytes and fixed values are lowercase hex strings in JSON (and are converted back on write).
"""
import datetime
import json
import sys

import fastavro


EPOCH = datetime.datetime(1970, 1, 1)
EPOCH_TZ = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_json(value):
    # fastavro applies logical types; map them back to their stored integers.
    if isinstance(value, datetime.datetime):
        delta = value - (EPOCH_TZ if value.tzinfo else EPOCH)
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, datetime.date):
        return (value - datetime.date(1970, 1, 1)).days
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, tuple):
        return [to_json(v) for v in value]
    return value


def from_json(value, schema, named):
    """Converts hex strings back to bytes where the schema says bytes/fixed."""
    if isinstance(schema, str):
        if schema == "bytes":
            return bytes.fromhex(value)
        if schema in named:
            return from_json(value, named[schema], named)
        return value
    if isinstance(schema, list):
        if value is None:
            return None
        for branch in schema:
            if branch != "null":
                return from_json(value, branch, named)
        return value
    t = schema["type"]
    if isinstance(t, (dict, list)):
        return from_json(value, t, named)
    if t in ("record", "error"):
        named[schema["name"]] = schema
        return {f["name"]: from_json(value.get(f["name"]), f["type"], named) for f in schema["fields"]}
    if t == "fixed":
        named[schema["name"]] = schema
        return bytes.fromhex(value)
    if t == "enum":
        named[schema["name"]] = schema
        return value
    if t == "array":
        return [from_json(v, schema["items"], named) for v in value]
    if t == "map":
        return {k: from_json(v, schema["values"], named) for k, v in value.items()}
    if t == "bytes":
        return bytes.fromhex(value)
    return value


def main():
    if sys.argv[1] == "read":
        with open(sys.argv[2], "rb") as f:
            reader = fastavro.reader(f)
            records = [to_json(r) for r in reader]
            meta = {k: (v.decode("utf-8", "replace") if isinstance(v, bytes) else v) for k, v in reader.metadata.items()}
            json.dump({"schema": reader.writer_schema, "metadata": meta, "records": records}, sys.stdout)
    else:
        schema = json.load(open(sys.argv[2]))
        records = json.load(open(sys.argv[3]))
        parsed = fastavro.parse_schema(schema)
        rows = [from_json(r, schema, {}) for r in records]
        with open(sys.argv[4], "wb") as f:
            fastavro.writer(f, parsed, rows, codec=sys.argv[5], metadata={"written-by": "fastavro"})


if __name__ == "__main__":
    main()
