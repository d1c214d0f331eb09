"""W4 peer: profile one Parquet file with whylogs and write the profile.

Reads the file one row group at a time with pyarrow (so memory stays bounded, as driftscope's
streaming profile does), hands each row group to whylogs as a pandas DataFrame, merges the
resulting profile views and writes the merged view's serialized bytes. Runs in its own virtual
environment (benchmarks/README.md, W4); whylogs' usage statistics are switched off.

Usage: python whylogs_profile.py DATA.parquet OUT_DIR
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Before whylogs is imported: it reads the opt-out when its usage module loads.
os.environ.setdefault("WHYLOGS_NO_ANALYTICS", "True")

import pyarrow.parquet as pq
import whylogs as why


def main(data: str, out_dir: str) -> int:
    merged = None
    rows = 0
    with pq.ParquetFile(data) as parquet:
        for i in range(parquet.num_row_groups):
            frame = parquet.read_row_group(i).to_pandas()
            rows += len(frame)
            view = why.log(frame).view()
            merged = view if merged is None else merged.merge(view)
            del frame
    if merged is None:
        print("whylogs_profile: the file has no row groups", file=sys.stderr)
        return 1
    out = Path(out_dir) / "profile.bin"
    out.write_bytes(merged.serialize())
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")
    print(f"rows: {rows}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    sys.exit(main(sys.argv[1], sys.argv[2]))
