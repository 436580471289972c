#!/usr/bin/env python3
"""Checks that docs/architecture.md, Package.swift and the import lines agree and that the
arrows point one way: for every library and executable target of the package,
- the module table's "depends on" column equals the target's dependencies on this package's
  Swift targets (from `swift package dump-package`),
- every `import` of a module of this package in the target's sources is a declared dependency
  (or a module a declared dependency re-exports with `@_exported`),
- every dependency sits on a lower layer, and no catalog module (layer 4) imports another.
Exits non-zero naming each disagreement."""
import json
import pathlib
import re
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
CATALOG_LAYER = 4


def package_targets():
    dump = json.loads(subprocess.run(
        ["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True).stdout)
    def is_library_or_tool(t):
        # Test helpers (a regular target under Tests/, such as TestSupport) are not modules of the SDK.
        return t["type"] in ("regular", "executable") and not (t.get("path") or "").startswith("Tests")

    swift_targets = {t["name"] for t in dump["targets"] if is_library_or_tool(t)}
    out = {}
    for t in dump["targets"]:
        if not is_library_or_tool(t):
            continue
        deps = set()
        for d in t.get("dependencies", []):
            name = (d.get("byName") or d.get("target") or [None])[0]
            if name in swift_targets:
                deps.add(name)
        out[t["name"]] = deps
    return out


def documented_modules():
    text = (root / "docs" / "architecture.md").read_text()
    rows = {}
    for line in text.splitlines():
        m = re.match(r"^\| `(\w+)`(?: \(`[\w-]+`\))? \| (\d+) \| ([^|]*) \|", line)
        if m:
            deps = set(re.findall(r"`(\w+)`", m.group(3)))
            rows[m.group(1)] = (int(m.group(2)), deps)
    return rows


def imports(target):
    found = set()
    exported = set()
    for f in (root / "Sources" / target).rglob("*.swift"):
        for line in f.read_text().splitlines():
            m = re.match(r"^\s*(@_exported\s+)?import\s+(\w+)\s*$", line)
            if m:
                found.add(m.group(2))
                if m.group(1):
                    exported.add(m.group(2))
    return found, exported


def main():
    targets = package_targets()
    documented = documented_modules()
    problems = []
    for name in sorted(set(targets) | set(documented)):
        if name not in targets:
            problems.append(f"docs/architecture.md lists {name}, which Package.swift does not build")
            continue
        if name not in documented:
            problems.append(f"{name} is missing from docs/architecture.md's module table")
            continue
        layer, doc_deps = documented[name]
        if doc_deps != targets[name]:
            problems.append(
                f"{name}: docs/architecture.md says it depends on {sorted(doc_deps)}, "
                f"Package.swift on {sorted(targets[name])}")
        for dep in targets[name]:
            dep_layer = documented.get(dep, (None,))[0]
            if dep_layer is None:
                continue
            if dep_layer >= layer:
                problems.append(f"{name} (layer {layer}) depends on {dep} (layer {dep_layer}): arrows point down only")
            if layer == CATALOG_LAYER and dep_layer == CATALOG_LAYER:
                problems.append(f"catalog module {name} depends on catalog module {dep}")
    for name, deps in targets.items():
        found, _ = imports(name)
        reachable = set(deps)
        for dep in deps:
            reachable |= imports(dep)[1]
        for module in sorted(found & set(targets)):
            if module != name and module not in reachable:
                problems.append(f"{name} imports {module}, which is not among its dependencies in Package.swift")
    for p in problems:
        print(f"architecture: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"architecture: {len(targets)} modules, table, Package.swift and imports agree; arrows point down")


if __name__ == "__main__":
    main()
