"""Writes small Parquet files with pyarrow (no field ids) for add-files and odd-file tests: OUT_DIR."""
import datetime
import decimal
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1]
utc = datetime.timezone.utc
schema = pa.schema([("id", pa.string()), ("category", pa.string()), ("price", pa.decimal128(10, 2)), ("sold_at", pa.timestamp("us", tz="UTC"))])
may = pa.table({"id": ["m1", "m2", "m3"], "category": ["x", None, "z"],
                "price": [decimal.Decimal("1.50"), None, decimal.Decimal("99.99")],
                "sold_at": [datetime.datetime(2024, 5, d, tzinfo=utc) for d in (1, 2, 3)]}, schema=schema)
pq.write_table(may, f"{out}/may.parquet")
span = may.set_column(3, "sold_at", pa.array([datetime.datetime(2024, m, 1, tzinfo=utc) for m in (5, 6, 7)], pa.timestamp("us", tz="UTC")))
pq.write_table(span, f"{out}/span.parquet")
# A file with no rows (one empty row group), for readers of zero-row row groups.
pq.write_table(may.slice(0, 0), f"{out}/empty.parquet")
