"""PyIceberg's REST request and response models (pydantic) as the peer for the Swift REST wire
forms.

Usage:
  rest_wire_peer.py validate     stdin: [{"model": NAME, "json": OBJECT}, ...]; each object is
                                 parsed by PyIceberg's model NAME and dumped back by it; prints
                                 [{"model": NAME, "dumped": OBJECT}, ...] (a model refusing an
                                 object fails the script, naming it)
  rest_wire_peer.py commit       prints a CommitTableRequest PyIceberg builds from its own
                                 update and requirement objects (every kind the SDK reads)
  rest_wire_peer.py same A B     exits 0 when the JSON files A and B hold equal values
                                 (object key order ignored), else prints both and exits 1
"""
import json
import sys


def models():
    from pyiceberg.catalog import rest
    return {
        "CommitTableRequest": rest.CommitTableRequest,
        "CreateTableRequest": rest.CreateTableRequest,
        "TableResponse": rest.TableResponse,
        "ConfigResponse": rest.ConfigResponse,
        "ListNamespaceResponse": rest.ListNamespaceResponse,
        "ListTablesResponse": rest.ListTablesResponse,
        "NamespaceResponse": rest.NamespaceResponse,
        "UpdateNamespacePropertiesResponse": rest.UpdateNamespacePropertiesResponse,
        "RegisterTableRequest": rest.RegisterTableRequest,
    }


def validate():
    known = models()
    out = []
    for item in json.load(sys.stdin):
        model = known[item["model"]]
        try:
            parsed = model.model_validate(item["json"])
        except Exception as error:  # pydantic's ValidationError names every bad field
            sys.exit(f"{item['model']} refused {json.dumps(item['json'])[:400]}: {error}")
        out.append({"model": item["model"], "dumped": parsed.model_dump(mode="json", by_alias=True, exclude_none=True)})
    print(json.dumps(out))


def commit():
    from pyiceberg.catalog.rest import CommitTableRequest
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.schema import Schema
    from pyiceberg.table import TableIdentifier
    from pyiceberg.table.refs import SnapshotRef, SnapshotRefType
    from pyiceberg.table.snapshots import Operation, Snapshot, Summary
    from pyiceberg.table.sorting import SortField, SortOrder
    from pyiceberg.table.update import (AddPartitionSpecUpdate, AddSchemaUpdate, AddSnapshotUpdate, AddSortOrderUpdate,
                                        AssertCurrentSchemaId, AssertDefaultSortOrderId, AssertDefaultSpecId,
                                        AssertLastAssignedFieldId, AssertLastAssignedPartitionId, AssertRefSnapshotId,
                                        AssertTableUUID, AssignUUIDUpdate, RemovePropertiesUpdate,
                                        RemoveSnapshotRefUpdate, RemoveSnapshotsUpdate, SetCurrentSchemaUpdate,
                                        SetDefaultSortOrderUpdate, SetDefaultSpecUpdate, SetLocationUpdate,
                                        SetPropertiesUpdate, SetSnapshotRefUpdate, UpgradeFormatVersionUpdate)
    from pyiceberg.transforms import BucketTransform, IdentityTransform
    from pyiceberg.types import LongType, NestedField, StringType
    import uuid

    schema = Schema(NestedField(1, "id", LongType(), required=True), NestedField(2, "name", StringType(), required=False),
                    schema_id=1, identifier_field_ids=[1])
    spec = PartitionSpec(PartitionField(1, 1000, BucketTransform(8), "id_bucket"),
                         PartitionField(2, 1001, IdentityTransform(), "name"), spec_id=1)
    order = SortOrder(SortField(source_id=2, transform=IdentityTransform()), order_id=1)
    snapshot = Snapshot(snapshot_id=42, parent_snapshot_id=41, sequence_number=7, timestamp_ms=1700000000000,
                        manifest_list="s3://b/t/metadata/snap-42.avro", summary=Summary(Operation.APPEND, **{"added-records": "3"}),
                        schema_id=1)
    table_uuid = uuid.UUID("9c12d441-03fe-4693-9a96-a0705ddf69c1")
    request = CommitTableRequest(
        identifier=TableIdentifier(namespace=["shop"], name="sales"),
        requirements=[
            AssertTableUUID(uuid=table_uuid), AssertRefSnapshotId(ref="main", snapshot_id=41),
            AssertRefSnapshotId(ref="audit", snapshot_id=None), AssertLastAssignedFieldId(last_assigned_field_id=2),
            AssertCurrentSchemaId(current_schema_id=0), AssertLastAssignedPartitionId(last_assigned_partition_id=999),
            AssertDefaultSpecId(default_spec_id=0), AssertDefaultSortOrderId(default_sort_order_id=0),
        ],
        updates=[
            AssignUUIDUpdate(uuid=table_uuid), UpgradeFormatVersionUpdate(format_version=2),
            AddSchemaUpdate(schema_=schema), SetCurrentSchemaUpdate(schema_id=-1),
            AddPartitionSpecUpdate(spec=spec), SetDefaultSpecUpdate(spec_id=-1),
            AddSortOrderUpdate(sort_order=order), SetDefaultSortOrderUpdate(sort_order_id=-1),
            AddSnapshotUpdate(snapshot=snapshot),
            SetSnapshotRefUpdate(ref_name="main", type=SnapshotRefType.BRANCH, snapshot_id=42,
                                 min_snapshots_to_keep=3, max_snapshot_age_ms=86400000),
            SetSnapshotRefUpdate(ref_name="v1", type=SnapshotRefType.TAG, snapshot_id=42, max_ref_age_ms=3600000),
            RemoveSnapshotsUpdate(snapshot_ids=[40, 39]), RemoveSnapshotRefUpdate(ref_name="old"),
            SetPropertiesUpdate(updates={"owner": "shop", "write.format.default": "parquet"}),
            RemovePropertiesUpdate(removals=["stale"]), SetLocationUpdate(location="s3://b/t2"),
        ])
    print(request.model_dump_json(by_alias=True, exclude_none=True))


def same(a, b):
    with open(a) as fa, open(b) as fb:
        left, right = json.load(fa), json.load(fb)
    if left != right:
        print(json.dumps(left, sort_keys=True))
        print(json.dumps(right, sort_keys=True))
        sys.exit(1)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "validate":
        validate()
    elif command == "commit":
        commit()
    elif command == "same":
        same(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")
