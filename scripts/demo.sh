#!/usr/bin/env bash
# The quick-start demo: writes 200,000 realistic sales events from JSON lines into a Parquet
# file with the `iceberg` CLI, then prints its schema, a summary of its metadata and a few rows.
set -euo pipefail
cd "$(dirname "$0")/.."
ICEBERG=.build/release/iceberg
WORK="${DEMO_DIR:-./demo-output}"
mkdir -p "$WORK"

cat > "$WORK/sales.schema.json" <<'JSON'
{"type": "struct", "schema-id": 0, "fields": [
  {"id": 1, "name": "sale_id", "required": true, "type": "string"},
  {"id": 2, "name": "sold_at", "required": true, "type": "timestamptz"},
  {"id": 3, "name": "category", "required": false, "type": "string"},
  {"id": 4, "name": "brand", "required": false, "type": "string"},
  {"id": 5, "name": "price", "required": false, "type": "decimal(10,2)"},
  {"id": 6, "name": "quantity", "required": false, "type": "int"},
  {"id": 7, "name": "embedding", "required": false,
   "type": {"type": "list", "element-id": 8, "element-required": true, "element": "double"}}
]}
JSON

echo "== generating 200000 sales events as JSON lines"
.venv/bin/python - "$WORK/sales.jsonl" <<'PY'
import json, random, sys, datetime
r = random.Random(1)
cats = ["books", "garden", "games", "music", "sports", "tools", "toys", "travel"]
brands = ["acme", "globex", "initech", "umbrella", "hooli", None]
t0 = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
with open(sys.argv[1], "w") as f:
    for i in range(200_000):
        t = t0 + datetime.timedelta(seconds=i * 97 + r.randint(0, 60))
        f.write(json.dumps({
            "sale_id": "S-%08d" % i,
            "sold_at": t.isoformat(timespec="microseconds"),
            "category": r.choice(cats),
            "brand": r.choice(brands),
            "price": "%.2f" % (r.randint(100, 99999) / 100),
            "quantity": r.randint(1, 5),
            "embedding": [round(r.uniform(-1, 1), 4) for _ in range(4)],
        }) + "\n")
PY

echo "== iceberg parquet write (zstd)"
start=$(date +%s%3N)
$ICEBERG parquet write "$WORK/sales.parquet" --schema "$WORK/sales.schema.json" --codec zstd < "$WORK/sales.jsonl"
end=$(date +%s%3N)
echo "wrote $WORK/sales.parquet ($(stat -c %s "$WORK/sales.parquet") bytes) in $((end - start)) ms"

echo "== iceberg parquet schema"
$ICEBERG parquet schema "$WORK/sales.parquet" | head -20
echo "== iceberg parquet meta (first column)"
$ICEBERG parquet meta "$WORK/sales.parquet" | head -30
echo "== iceberg parquet cat --columns sale_id,sold_at,price,embedding --limit 3"
$ICEBERG parquet cat "$WORK/sales.parquet" --columns sale_id,sold_at,price,embedding --limit 3
echo "== pyarrow reads it back"
.venv/bin/python -c "import pyarrow.parquet as pq, sys; t = pq.read_table(sys.argv[1]); print(t.num_rows, 'rows;', t.schema.field('price').type, t.schema.field('sold_at').type)" "$WORK/sales.parquet"
