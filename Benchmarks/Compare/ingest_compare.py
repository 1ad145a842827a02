"""Ingestion alone: FusionRec's CSV reader against pandas + scipy on the same file.

FusionRec: `fusionrec-compare --ingest FILE --threads 2` (release build), which reads the file
as `fusionrec recommend` does — `Interactions<String, String>.readCSV`: id maps, the users ×
items CSR and its transpose. The peer: `pd.read_csv`, `pd.factorize` of both id columns and
`scipy.sparse.csr_matrix` (the read + CSR phases of scale_implicit.py), in a fresh
interpreter whose import time is not counted. Each side runs in its own process, alternating,
`--repeats` times; prints every run and the medians of wall seconds, processor seconds and
peak resident memory (the whole process), and the ratios.

    swift build -c release --product fusionrec-compare
    Benchmarks/Compare/.venv/bin/python Benchmarks/Compare/ingest_compare.py FILE [--repeats 3]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PEER = r"""
import json, resource, sys, time
import numpy as np, pandas as pd, scipy.sparse as sp
start, cpu = time.perf_counter(), time.process_time()
frame = pd.read_csv(sys.argv[1])
users, user_ids = pd.factorize(frame["user"])
items, item_ids = pd.factorize(frame["item"])
matrix = sp.csr_matrix((np.ones(len(frame), dtype=np.float32), (users, items)), shape=(len(user_ids), len(item_ids)))
print(json.dumps({"users": len(user_ids), "items": len(item_ids), "interactions": int(matrix.nnz),
                  "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
                  "peak_resident_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "fusionrec-compare"))
    arguments = parser.parse_args()
    sides = {"fusionrec": [], "pandas": []}
    for repeat in range(arguments.repeats):
        for side in sides:
            command = ([arguments.binary, "--ingest", arguments.file, "--threads", "2"] if side == "fusionrec"
                       else [sys.executable, "-c", PEER, arguments.file])
            result = run(command)
            result["load"] = os.getloadavg()[0]
            sides[side].append(result)
            print(side, json.dumps(result), flush=True)
    medians = {side: {key: statistics.median(run[key] for run in runs)
                      for key in ("seconds", "cpu_seconds", "peak_resident_kb")} for side, runs in sides.items()}
    f, p = medians["fusionrec"], medians["pandas"]
    print(f"median wall: FusionRec {f['seconds']:.2f} s, pandas {p['seconds']:.2f} s, "
          f"pandas / FusionRec {p['seconds'] / f['seconds']:.2f}")
    print(f"median processor: FusionRec {f['cpu_seconds']:.2f} s, pandas {p['cpu_seconds']:.2f} s, "
          f"pandas / FusionRec {p['cpu_seconds'] / f['cpu_seconds']:.2f}")
    print(f"median peak RSS: FusionRec {f['peak_resident_kb'] / 1024:.0f} MB, pandas {p['peak_resident_kb'] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
