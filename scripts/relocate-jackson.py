#!/usr/bin/env python3
"""Builds the shaded Jackson that Iceberg's Spark runtime jar expects its host to supply.

iceberg-spark-runtime-3.5_2.12-1.10.2.jar (from the snowpark-connect-deps-iceberg wheel) refers
to Jackson under `org.apache.iceberg.shaded.com.fasterxml.jackson` but does not contain it.
This script relocates pyspark's own Jackson jars into that package: every entry path and every
class name in the class files' constant pools (slash and dot forms) gets the prefix, and the
service files are renamed and rewritten. Signatures and module descriptors are dropped.

Usage: relocate-jackson.py OUTPUT.jar INPUT.jar...
"""

import struct
import sys
import zipfile

PREFIX = "org/apache/iceberg/shaded/"
RULES = [
    (b"com/fasterxml/jackson/", PREFIX.encode() + b"com/fasterxml/jackson/"),
    (b"com.fasterxml.jackson.", PREFIX.replace("/", ".").encode() + b"com.fasterxml.jackson."),
]


def relocate_text(data: bytes) -> bytes:
    for old, new in RULES:
        # Protect what is already relocated, then add the prefix everywhere else.
        data = data.replace(new, b"\0").replace(old, new).replace(b"\0", new)
    return data


def relocate_class(data: bytes, name: str) -> bytes:
    if data[:4] != b"\xca\xfe\xba\xbe":
        raise ValueError(f"{name}: not a class file")
    count = struct.unpack_from(">H", data, 8)[0]
    out = bytearray(data[:10])
    pos = 10
    index = 1
    fixed_sizes = {3: 4, 4: 4, 5: 8, 6: 8, 7: 2, 8: 2, 9: 4, 10: 4, 11: 4, 12: 4, 15: 3, 16: 2, 17: 4, 18: 4, 19: 2, 20: 2}
    while index < count:
        tag = data[pos]
        if tag == 1:
            length = struct.unpack_from(">H", data, pos + 1)[0]
            text = relocate_text(data[pos + 3 : pos + 3 + length])
            out += bytes([1]) + struct.pack(">H", len(text)) + text
            pos += 3 + length
            index += 1
            continue
        size = fixed_sizes.get(tag)
        if size is None:
            raise ValueError(f"{name}: unknown constant pool tag {tag} at offset {pos}")
        out += data[pos : pos + 1 + size]
        pos += 1 + size
        # Long and double constants take two slots.
        index += 2 if tag in (5, 6) else 1
    out += data[pos:]
    return bytes(out)


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    output, inputs = sys.argv[1], sys.argv[2:]
    seen = set()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as out:
        for path in inputs:
            with zipfile.ZipFile(path) as jar:
                for entry in jar.infolist():
                    name = entry.filename
                    if entry.is_dir() or name.endswith("module-info.class"):
                        continue
                    if name.startswith("META-INF/") and name.rsplit(".", 1)[-1] in ("SF", "RSA", "DSA", "EC"):
                        continue
                    if name == "META-INF/MANIFEST.MF":
                        continue
                    data = jar.read(name)
                    if name.endswith(".class"):
                        data = relocate_class(data, f"{path}!{name}")
                    elif name.startswith("META-INF/services/"):
                        data = relocate_text(data)
                    new_name = relocate_text(name.encode()).decode()
                    if new_name in seen:
                        continue
                    seen.add(new_name)
                    out.writestr(new_name, data)
        out.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: relocate-jackson.py\r\n\r\n")


if __name__ == "__main__":
    main()
