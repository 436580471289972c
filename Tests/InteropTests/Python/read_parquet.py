"""Reads a Parquet file with pyarrow and prints its rows, field ids and chunk metadata as JSON."""
import json
import sys

import pyarrow.parquet as pq

from arrow_json import field_ids, table_rows


def main(path):
    pf = pq.ParquetFile(path, arrow_extensions_enabled=True)
    table = pf.read(use_threads=False)
    md = pf.metadata
    chunks = []
    for g in range(md.num_row_groups):
        rg = md.row_group(g)
        for c in range(rg.num_columns):
            col = rg.column(c)
            stats = col.statistics
            entry = {
                "row_group": g,
                "path": col.path_in_schema,
                "compression": col.compression,
                "encodings": list(col.encodings),
                "has_column_index": col.has_column_index,
                "has_offset_index": col.has_offset_index,
                "num_values": col.num_values,
            }
            if stats is not None:
                entry["null_count"] = stats.null_count
                if stats.has_min_max:
                    try:
                        entry["min"], entry["max"] = repr(stats.min), repr(stats.max)
                    except ValueError:  # nanosecond timestamps need pandas for .min
                        entry["min"], entry["max"] = repr(stats.min_raw), repr(stats.max_raw)
            chunks.append(entry)
    out = {
        "num_rows": md.num_rows,
        "num_row_groups": md.num_row_groups,
        "rows": table_rows(table),
        "field_ids": field_ids(table.schema),
        "chunks": chunks,
    }
    json.dump(out, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1])
