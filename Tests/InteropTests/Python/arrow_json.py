"""Converts Arrow data (as read by pyarrow) into the SDK's JSON value convention.

The convention: the Iceberg spec's JSON single-value serialization, with structs as objects
keyed by field name, maps as {"keys": [...], "values": [...]}, NaN/Infinity as strings,
binary/fixed as lowercase hex, timestamps with 6 digits (9 for nanoseconds), timestamptz
with "+00:00".
"""
import datetime
import decimal
import math
import uuid

import numpy as np
import pyarrow as pa

EPOCH = datetime.date(1970, 1, 1)


def _float(x, single):
    if x is None:
        return None
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if single:
        return float(repr(np.float32(x)).replace("np.float32(", "").rstrip(")"))
    return x


def _date(days):
    return (EPOCH + datetime.timedelta(days=days)).isoformat()


def _clock(units, per_second):
    secs, frac = divmod(units, per_second)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    digits = 9 if per_second == 1_000_000_000 else 6
    if per_second == 1000:
        frac *= 1000
    return "%02d:%02d:%02d.%0*d" % (h, m, s, digits, frac)


def _timestamp(value, unit, tz):
    per_second = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[unit]
    if unit == "s":
        value *= 1_000_000
        per_second = 1_000_000
    days, rem = divmod(value, per_second * 86400)
    text = _date(days) + "T" + _clock(rem, per_second)
    return text + ("+00:00" if tz is not None else "")


def value(arr, i):
    """The JSON-convention value of element i of an Arrow array."""
    t = arr.type
    if arr.null_count and not arr[i].is_valid:
        return None
    if pa.types.is_dictionary(t):
        return value(arr.dictionary, arr.indices[i].as_py())
    if isinstance(t, pa.BaseExtensionType):
        storage = arr.storage
        if t.extension_name == "arrow.uuid":
            return str(uuid.UUID(bytes=storage[i].as_py()))
        return value(storage, i)
    if pa.types.is_struct(t):
        return {t.field(k).name: value(arr.field(k), i) for k in range(t.num_fields)}
    if pa.types.is_map(t):
        start, end = arr.offsets[i].as_py(), arr.offsets[i + 1].as_py()
        keys, items = arr.keys, arr.items
        return {"keys": [value(keys, j) for j in range(start, end)],
                "values": [value(items, j) for j in range(start, end)]}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        start, end = arr.offsets[i].as_py(), arr.offsets[i + 1].as_py()
        child = arr.values
        return [value(child, j) for j in range(start, end)]
    if pa.types.is_fixed_size_list(t):
        n = t.list_size
        return [value(arr.values, j) for j in range(i * n, (i + 1) * n)]
    if pa.types.is_timestamp(t):
        raw = arr.cast(pa.int64())[i].as_py()
        return _timestamp(raw, t.unit, t.tz)
    if pa.types.is_time(t):
        raw = arr.cast(pa.int64() if t.bit_width == 64 else pa.int32())[i].as_py()
        per = {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[t.unit]
        return _clock(raw, per)
    if pa.types.is_date32(t):
        return _date(arr.cast(pa.int32())[i].as_py())
    if pa.types.is_date64(t):
        return _date(arr.cast(pa.int64())[i].as_py() // 86_400_000)
    if pa.types.is_decimal(t):
        d = arr[i].as_py()
        return format(d, "f")  # pyarrow decimals carry the exact scale
    if pa.types.is_floating(t):
        return _float(arr[i].as_py(), t.bit_width < 64)
    if pa.types.is_fixed_size_binary(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return arr[i].as_py().hex()
    return arr[i].as_py()


def table_rows(table):
    """Rows of a table as JSON-convention dicts."""
    batches = table.combine_chunks().to_batches()
    rows = []
    for batch in batches:
        columns = batch.columns
        names = batch.schema.names
        for i in range(batch.num_rows):
            rows.append({names[c]: value(columns[c], i) for c in range(len(columns))})
    return rows


def field_ids(schema):
    """{dotted path: field id} for every Arrow field carrying PARQUET:field_id."""
    out = {}

    def walk(field, path):
        md = field.metadata or {}
        if b"PARQUET:field_id" in md:
            out[path] = int(md[b"PARQUET:field_id"])
        t = field.type
        if pa.types.is_struct(t):
            for k in range(t.num_fields):
                walk(t.field(k), path + "." + t.field(k).name)
        elif pa.types.is_map(t):
            walk(t.key_field, path + ".key")
            walk(t.item_field, path + ".value")
        elif pa.types.is_list(t) or pa.types.is_large_list(t):
            walk(t.value_field, path + ".element")

    for f in schema:
        walk(f, f.name)
    return out
