#!/usr/bin/env python3
"""Writes Sources/Parquet/Format/ThriftCoding+Fields.swift — the Thrift compact encoder and
decoder of every parquet.thrift struct the SDK uses — from the one declaration of their fields,
Sources/Parquet/Format/ParquetThrift.fields. Adding a field is one line there and a run of this
script. The generated code reads and writes fields in place (no closure or key path per field),
as fast as hand-written code. `--check` exits non-zero when the Swift file is not what this
script would write (CI runs it through `make thrift-check`)."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
FIELDS = root / "Sources/Parquet/Format/ParquetThrift.fields"
OUTPUT = root / "Sources/Parquet/Format/ThriftCoding+Fields.swift"

SCALARS = {
    # type: (read expression, field write, element write, compact element type)
    "i16": ("try r.readI16()", "w.write(field: {id}, {v})", "w.writeI16({v})", ".i16"),
    "i32": ("try r.readI32()", "w.write(field: {id}, {v})", "w.writeI32({v})", ".i32"),
    "i64": ("try r.readI64()", "w.write(field: {id}, {v})", "w.writeI64({v})", ".i64"),
    "bool": ("try r.readBool()", "w.write(field: {id}, {v})", "w.writeBool({v})", ".boolTrue"),
    "byte": ("try r.readByte()", "w.write(field: {id}, {v})", "w.writeByte({v})", ".byte"),
    "binary": ("try r.readBinary()", "w.write(field: {id}, {v})", "w.writeBinary({v})", ".binary"),
    "string": ("try r.readString()", "w.write(field: {id}, {v})", "w.writeString({v})", ".binary"),
}


class Type:
    """A field type: how a value is read (possibly to nil: left out) and written."""

    def __init__(self, text):
        self.text = text
        m = re.fullmatch(r'(\w+)<(.*)>', text)
        self.kind, self.arg = (m.group(1), m.group(2)) if m else (text, None)
        if self.kind not in SCALARS and self.kind not in ("enum", "lenient", "struct", "droppable", "union", "list"):
            sys.exit(f"unknown type {text}")
        if self.kind == "list":
            self.element = Type(self.arg)
        if self.kind == "enum":
            m = re.fullmatch(r'(\w+) "([^"]+)"', self.arg)
            self.swift, self.what = m.group(1), m.group(2)
        elif self.kind in ("lenient", "struct", "droppable", "union"):
            self.swift = self.arg

    @property
    def may_be_left_out(self):
        return self.kind in ("lenient", "droppable")

    def read(self):
        """An expression reading one value (Optional when the value may be left out)."""
        if self.kind in SCALARS:
            return SCALARS[self.kind][0]
        return {
            "enum": f'try r.readEnum({getattr(self, "swift", "")}.self, "{getattr(self, "what", "")}")',
            "lenient": f"{getattr(self, 'swift', '')}(rawValue: try r.readI32())",
            "struct": f"try {getattr(self, 'swift', '')}(from: &r)",
            "droppable": f"try {getattr(self, 'swift', '')}(droppingIncompleteFrom: &r)",
            "union": f"try {getattr(self, 'swift', '')}.readUnion(from: &r)",
            "list": "",
        }[self.kind]

    def compact(self):
        if self.kind in SCALARS:
            return SCALARS[self.kind][3]
        return {"enum": ".i32", "lenient": ".i32", "list": ".list"}.get(self.kind, ".struct")

    def write_element(self, v):
        if self.kind in SCALARS:
            return SCALARS[self.kind][2].format(v=v)
        if self.kind in ("enum", "lenient"):
            return f"w.writeI32({v}.rawValue)"
        if self.kind == "union":
            return f"{self.swift}.writeUnion({v}, to: &w)"
        return f"{v}.write(to: &w)"

    def write_field(self, fid, v, indent):
        pad = " " * indent
        if self.kind in SCALARS:
            return [pad + SCALARS[self.kind][1].format(id=fid, v=v)]
        if self.kind in ("enum", "lenient"):
            return [pad + f"w.write(field: {fid}, {v}.rawValue)"]
        if self.kind == "list":
            e = self.element
            return [
                pad + f"w.beginListField({fid}, elementType: {e.compact()}, count: {v}.count)",
                pad + f"for element in {v} {{ {e.write_element('element')} }}",
            ]
        return [pad + f"w.writeFieldHeader({fid}, .struct)", pad + self.write_element(v)]

    def read_into(self, target, indent, seen=None):
        """Lines that read one value into `target` (and mark `seen`)."""
        pad = " " * indent
        mark = [pad + f"{seen} = true"] if seen else []
        if self.kind == "list":
            e = self.element
            inner = ["    " + line for line in mark]
            if e.may_be_left_out:
                return [
                    pad + f"if let count = try r.readListHeader(expecting: {e.compact()}) {{",
                    pad + f"    var elements: [{e.swift}] = []",
                    pad + "    elements.reserveCapacity(count)",
                    pad + f"    for _ in 0..<count {{ if let e = {e.read()} {{ elements.append(e) }} }}",
                    pad + f"    {target} = elements",
                ] + [pad + line for line in inner] + [pad + "}"]
            return [
                pad + f"if let elements = try r.readList(of: {e.compact()}, {{ (r) throws(ThriftError) in {e.read()} }}) {{",
                pad + f"    {target} = elements",
            ] + [pad + line for line in inner] + [pad + "}"]
        if self.may_be_left_out:
            return [pad + f"if let v = {self.read()} {{", pad + f"    {target} = v"] + (
                ["    " + line for line in mark]) + [pad + "}"]
        return [pad + f"{target} = {self.read()}"] + mark


def parse():
    structs = []
    for n, line in enumerate(FIELDS.read_text().splitlines(), start=1):
        line = line.rstrip()
        if not line or line.startswith("#"):
            continue
        m = re.fullmatch(r'(public |file )?struct (\w+)(?: "(\w+)")? = (.+)', line)
        if m:
            structs.append({
                "name": m.group(2), "thrift": m.group(3) or m.group(2), "start": m.group(4),
                "public": m.group(1) is not None, "file": m.group(1) == "file ", "fields": []})
            continue
        m = re.fullmatch(r"\s+(\d+): (required|optional|default) (.+) (\w+) -> (\w+)", line)
        if not m or not structs:
            sys.exit(f"{FIELDS.name}:{n}: cannot read '{line}'")
        structs[-1]["fields"].append({
            "id": int(m.group(1)), "mode": m.group(2), "type": Type(m.group(3)), "thrift": m.group(4),
            "swift": m.group(5),
        })
    return structs


def generate(structs):
    out = [
        "// swift-format-ignore-file",
        "// Generated by scripts/generate-thrift.py from ParquetThrift.fields: do not edit; change the",
        "// declaration and run the script (`make thrift`).",
        "import ThriftCompact",
        "",
    ]
    for s in structs:
        name, fields = s["name"], s["fields"]
        out += [f"extension {name} {{"]
        out += ["    /// Writes the struct's fields (a struct already begun; `write(to:)` begins and ends it).",
                "    func writeFields(to w: inout CompactWriter) {"]
        for f in fields:
            v = f["swift"]
            if f["mode"] == "optional":
                out.append(f"        if let {v} {{")
                out += f["type"].write_field(f["id"], v, 12)
                out.append("        }")
            else:
                out += f["type"].write_field(f["id"], v, 8)
        out += ["    }", "",
                "    /// Writes the struct.",
                "    func write(to w: inout CompactWriter) {",
                "        w.beginStruct()",
                "        writeFields(to: &w)",
                "        w.endStruct()",
                "    }", ""]
        required = [f for f in fields if f["mode"] == "required"]
        droppable = any(f2["type"].kind == "list" and f2["type"].element.kind == "droppable" and
                        f2["type"].element.swift == name for s2 in structs for f2 in s2["fields"])
        access = "public " if s["public"] else ""
        out += ["    /// Reads the struct at the reader's position; unknown field ids are skipped.",
                f"    {access}init(from r: inout CompactReader) throws(ThriftError) {{",
                f"        self = {s['start']}",
                "        if let missing = try Self.readFields(&r, into: &self) {",
                f'            throw .missingField(structName: "{s["thrift"]}", field: missing)',
                "        }",
                "    }", ""]
        if s["file"]:
            out += ["    /// Serializes the structure in Thrift compact form (stored on its own in a file).",
                    "    public func serialized() -> [UInt8] {",
                    "        var w = CompactWriter(capacity: 1024)",
                    "        writeFields(to: &w)",
                    "        w.endStruct()",
                    "        return w.bytes",
                    "    }", "",
                    "    /// Decodes the structure from Thrift compact bytes (`range` of them when given).",
                    "    public init(thrift bytes: [UInt8], range: Range<Int>? = nil) throws(ThriftError) {",
                    "        var r = CompactReader(bytes: bytes, range: range)",
                    "        try self.init(from: &r)",
                    "    }", ""]
        if droppable:
            out += ["    /// Reads the struct, or nil when it lacks a required field (a list entry naming a page",
                    "    /// type or encoding this reader does not know is left out).",
                    "    init?(droppingIncompleteFrom r: inout CompactReader) throws(ThriftError) {",
                    f"        self = {s['start']}",
                    "        if try Self.readFields(&r, into: &self) != nil { return nil }",
                    "    }", ""]
        out += ["    /// Reads the fields into `value` in place; returns the first required field missing.",
                "    @inline(__always)",
                "    private static func readFields(_ r: inout CompactReader, into value: inout Self) throws(ThriftError)",
                "        -> String?",
                "    {"]
        for f in required:
            out.append(f"        var has{f['swift'][0].upper()}{f['swift'][1:]} = false")
        out += ["        try r.beginStruct()",
                "        while let (id, type) = try r.readFieldHeader() {",
                "            switch id {"]
        for f in fields:
            # A known id with another wire type is skipped, as Thrift skips unknown fields
            # (writers have reused ids for other types).
            wire = f["type"].compact()
            check = "type == .boolTrue || type == .boolFalse" if wire == ".boolTrue" else f"type == {wire}"
            out.append(f"            case {f['id']} where {check}:")
            seen = f"has{f['swift'][0].upper()}{f['swift'][1:]}" if f["mode"] == "required" else None
            out += f["type"].read_into(f"value.{f['swift']}", 16, seen)
        out += ["            default: try r.skip(type)",
                "            }",
                "        }",
                "        r.endStruct()"]
        for f in required:
            flag = f"has{f['swift'][0].upper()}{f['swift'][1:]}"
            out += [f'        if !{flag} {{ return "{f["thrift"]}" }}']
        out += ["        return nil", "    }", "}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main():
    text = generate(parse())
    if "--check" in sys.argv:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            sys.exit(f"{OUTPUT.relative_to(root)} is not what scripts/generate-thrift.py writes: run make thrift")
        print(f"{OUTPUT.relative_to(root)} is current")
        return
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(root)}")


if __name__ == "__main__":
    main()
