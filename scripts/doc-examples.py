#!/usr/bin/env python3
"""Writes every ```swift block of README.md, docs/*.md and the DocC articles
(Sources/*/*.docc/*.md) into Tests/ExamplesTests as a
compiled function (imports at file level, the rest as the function's body), so the tests
compile the documentation's code. Blocks fenced as ```swift manifest are Package.swift
fragments and are skipped. DocumentationExamplesTests checks the files still equal the
blocks; run this script after editing a block."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
out_dir = root / "Tests" / "ExamplesTests" / "Examples"


def blocks(path):
    text = path.read_text()
    for m in re.finditer(r"^```swift\n(.*?)^```$", text, re.S | re.M):
        yield m.group(1)


def main():
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.swift"):
        old.unlink()
    docs = [root / "README.md"] + sorted((root / "docs").glob("*.md")) + sorted(root.glob("Sources/*/*.docc/*.md"))
    for doc in docs:
        for n, block in enumerate(blocks(doc), start=1):
            lines = block.rstrip("\n").split("\n")
            imports = [l for l in lines if l.startswith("import ")]
            body = [l for l in lines if not l.startswith("import ")]
            while body and body[0] == "":
                body.pop(0)
            stem = f"{doc.parent.stem}_{doc.stem}" if doc.parent.suffix == ".docc" else doc.stem
            slug = re.sub(r"[^A-Za-z0-9]", "_", stem)
            name = f"{slug}{n}"
            text = "\n".join([
                "// swift-format-ignore-file",
                f"// Block {n} of {doc.relative_to(root)}, compiled; written by scripts/doc-examples.py.",
                *imports,
                "",
                f"func example_{name}() async throws {{",
                "// BEGIN BLOCK",
                *body,
                "// END BLOCK",
                "}",
                "",
            ])
            (out_dir / f"{name}.swift").write_text(text)


if __name__ == "__main__":
    main()
