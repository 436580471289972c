import Iceberg
