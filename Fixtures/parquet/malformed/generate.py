"""Generates the malformed-input corpus: damaged copies of a small file written by pyarrow.
Each must make a reader fail with a clear error (never crash). Run: make fixtures."""
import io
import os
import struct

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def good_file():
    table = pa.table({"id": pa.array(range(200), pa.int64()),
                      "s": pa.array([None if i % 5 == 0 else "s%d" % (i % 7) for i in range(200)]),
                      "l": pa.array([[i, None] for i in range(200)], pa.list_(pa.int32()))})
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="snappy", data_page_size=256)
    return bytearray(buf.getvalue())


def footer_bounds(data):
    n = struct.unpack("<I", data[-8:-4])[0]
    return len(data) - 8 - n, len(data) - 8


def save(name, data):
    with open(os.path.join(HERE, name + ".parquet"), "wb") as f:
        f.write(bytes(data))


def main():
    good = good_file()
    start, end = footer_bounds(good)
    save("wrong_magic", b"PAR0" + good[4:])
    save("truncated_footer", good[:-20])
    save("truncated_in_footer", good[: start + (end - start) // 2] + good[-8:])
    absurd = bytearray(good)
    absurd[-8:-4] = struct.pack("<I", 0x7FFFFFF0)
    save("absurd_footer_length", absurd)
    bad_varint = bytearray(good)
    for i in range(start + 2, start + 14):
        bad_varint[i] = 0xFF  # an endless varint inside the footer
    save("bad_varint_in_footer", bad_varint)
    # A page header claiming a gigantic compressed page: the first byte after the magic is the
    # page header's type field; the sizes follow as zigzag varints, replaced with huge ones.
    huge_page = bytearray(good)
    huge_page[4:4 + 12] = bytes([0x15, 0x00, 0x15, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x15, 0xFE, 0xFF, 0xFF])
    save("absurd_page_size", huge_page)
    save("empty", b"")
    save("only_magic", b"PAR1PAR1")


if __name__ == "__main__":
    main()
