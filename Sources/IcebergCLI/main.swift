print("iceberg")
