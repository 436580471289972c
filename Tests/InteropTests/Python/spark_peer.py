"""Iceberg Java 1.10.2 inside Spark 3.5 as a test peer: one Spark session answering requests.

Java reaches the SDK's tables through its JdbcCatalog on the SDK's SQLite catalog file.
The protocol: one JSON request per line on stdin, one JSON answer per line on stdout
(everything Spark and the JVM print goes to stderr).

  {"catalog": NAME, "db": SQLITE_FILE, "warehouse": DIR}  registers Spark catalog NAME over that file
  {"sql": TEXT}                   runs one statement: {"columns": [...], "rows": [{...}, ...]}
  {"python": CODE}                runs CODE with `spark`, `jvm`, `table(name)` (a Java Table),
                                  `rows(df)` and `write_equality_deletes(name, columns, rows)` in scope: {"result": the value CODE left in `result`};
                                  other names CODE defines stay for the next request

Rows are in the SDK's JSON value convention (arrow_json.py), in Spark's order.
Failures answer {"error": TEXT}; the process ends at end of input.
"""
import glob
import json
import os
import sys
import time
import traceback

os.environ["TZ"] = "UTC"
time.tzset()

import pyarrow as pa
import pyspark
import snowpark_connect_deps_iceberg

from arrow_json import table_rows

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VENV = os.path.dirname(os.path.dirname(sys.executable))
SQLITE_JDBC = "/usr/share/java/sqlite-jdbc.jar"
SQLITE_JNI = "/usr/lib/x86_64-linux-gnu/jni"


def jars():
    runtime = glob.glob(os.path.join(os.path.dirname(snowpark_connect_deps_iceberg.__file__), "jars",
                                     "iceberg-spark-runtime-3.5_2.12-*.jar"))
    jackson = os.path.join(VENV, "java", "iceberg-shaded-jackson.jar")
    missing = [p for p in [jackson, SQLITE_JDBC] if not os.path.exists(p)]
    if not runtime or missing:
        raise SystemExit(f"spark_peer: missing {missing or 'the Iceberg runtime jar'}: run ./scripts/setup.sh")
    return [runtime[0], jackson, SQLITE_JDBC]


def start_session():
    from pyspark.sql import SparkSession
    classpath = ":".join(jars())
    return (SparkSession.builder.master("local[2]").appName("iceberg-swift-interop")
            .config("spark.driver.extraClassPath", classpath)
            .config("spark.driver.extraJavaOptions",
                    f"-Dorg.sqlite.lib.path={SQLITE_JNI} -Dorg.sqlite.lib.name=libsqlitejdbc.so")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .getOrCreate())


def register_catalog(spark, name, db, warehouse):
    """Makes the SDK's SQLite catalog file `db` Spark catalog `name`, through Java's JdbcCatalog."""
    prefix = f"spark.sql.catalog.{name}"
    for key, value in [("", "org.apache.iceberg.spark.SparkCatalog"),
                       (".catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog"),
                       (".uri", f"jdbc:sqlite:{db}"),
                       (".warehouse", warehouse),
                       (".jdbc.schema-version", "V1"),
                       # The SDK made the catalog tables. Java's check for them at start
                       # (DatabaseMetaData.getTables with Debian's sqlite-jdbc 3.40) leaves
                       # a read transaction open, which pins that connection to an old
                       # snapshot of the file: it would not see later commits.
                       (".jdbc.init-catalog-tables", "false"),
                       (".cache-enabled", "false")]:
        spark.conf.set(prefix + key, value)


def rows(df):
    """A DataFrame's rows in the SDK's JSON value convention."""
    batches = df._collect_as_arrow()
    if not batches:
        return []
    return table_rows(pa.Table.from_batches(batches))


def write_equality_deletes(spark, table, name, columns, rows):
    """Commits equality deletes of table `name` through Java's API, one file per partition, as
    Flink's upsert writes them: GenericAppenderFactory.newEqDeleteWriter, then newRowDelta.
    `rows` are dicts of the key columns (which hold the partition sources); returns the number
    of delete files."""
    import uuid
    jvm = spark.sparkContext._jvm
    gateway = spark.sparkContext._gateway
    iceberg = jvm.org.apache.iceberg
    t = table(name)
    schema, spec = t.schema(), t.spec()
    names = jvm.java.util.ArrayList()
    for c in columns:
        names.add(c)
    delete_schema = schema.select(names)
    ids = gateway.new_array(gateway.jvm.int, len(columns))
    for i, c in enumerate(columns):
        ids[i] = schema.findField(c).fieldId()
    factory = iceberg.data.GenericAppenderFactory(schema, spec, ids, delete_schema, None)
    groups = {}
    for r in rows:
        full = iceberg.data.GenericRecord.create(schema)
        for k, v in r.items():
            full.setField(k, v)
        key = iceberg.PartitionKey(spec, schema)
        key.partition(full)
        groups.setdefault(key.toPath(), (key, []))[1].append(r)
    delta = t.newRowDelta()
    for key, group in groups.values():
        file_name = f"eq-delete-{uuid.uuid4()}.parquet"
        partitioned = spec.isPartitioned()
        location = (t.locationProvider().newDataLocation(spec, key, file_name) if partitioned
                    else t.locationProvider().newDataLocation(file_name))
        out = iceberg.encryption.EncryptedFiles.plainAsEncryptedOutput(t.io().newOutputFile(location))
        writer = factory.newEqDeleteWriter(out, iceberg.FileFormat.PARQUET, key if partitioned else None)
        for r in group:
            record = iceberg.data.GenericRecord.create(delete_schema)
            for c in columns:
                record.setField(c, r.get(c))
            writer.write(record)
        writer.close()
        delta.addDeletes(writer.toDeleteFile())
    delta.commit()
    return len(groups)


def main():
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # Spark, py4j and the JVM it launches write to stderr only
    spark = start_session()
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark.sparkContext._jvm

    def table(name):
        """The Java Table behind a Spark table name (catalog.namespace.table)."""
        return jvm.org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark._jsparkSession, name)

    scope = {"spark": spark, "jvm": jvm, "table": table, "rows": rows,
             "write_equality_deletes": lambda *a: write_equality_deletes(spark, table, *a)}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if "catalog" in request:
                register_catalog(spark, request["catalog"], request["db"], request["warehouse"])
                answer = {"ok": True}
            elif "sql" in request:
                df = spark.sql(request["sql"])
                answer = {"columns": df.columns, "rows": rows(df)}
            elif "python" in request:
                scope["result"] = None
                exec(request["python"], scope)
                answer = {"result": scope["result"]}
            else:
                answer = {"error": f"unknown request {sorted(request)}"}
        except Exception as e:  # the answer names the failure; the session stays up for the next request
            message = str(e).split("\n\tat ")[0]
            answer = {"error": f"{type(e).__name__}: {message}"}
            traceback.print_exc(file=sys.stderr)
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()
    spark.stop()


if __name__ == "__main__":
    main()
