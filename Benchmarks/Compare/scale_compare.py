"""The whole `recommend` command at scale: FusionRec against pandas + implicit.

Generates seeded synthetic interaction CSVs (user,item,value; distinct pairs in random
order, item popularity a power law, user activity log-normal — compare.power_law_pairs)
into .data/, then runs, side by side and alternating, for each size:

    fusionrec recommend --train FILE --model implicit-als --precision float \\
        --iterations 5 --k 10 --output OUT --timings
    python scale_implicit.py FILE OUT 5 10        (pandas read_csv, CSR, implicit ALS, write)

each under /usr/bin/time -v, and prints the median wall time and peak resident memory of
the whole command and the median seconds of each phase. Both sides fit k = 64,
λ = 0.05, α = 40 (confidence 41 for every interaction), 3 conjugate-gradient steps,
float32, on all processors. Run it through the comparison virtualenv:

    python3 -m venv Benchmarks/Compare/.venv
    Benchmarks/Compare/.venv/bin/pip install "implicit==0.7.*" pandas scipy
    swift build -c release --product fusionrec
    Benchmarks/Compare/.venv/bin/python Benchmarks/Compare/scale_compare.py --sizes 2M,10M,25M --repeats 3
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

import compare

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIZES = {"2M": (50_000, 20_000, 2_000_000), "10M": (200_000, 50_000, 10_000_000),
         "25M": (160_000, 60_000, 25_000_000)}


def dataset(name, seed=16):
    """The CSV of size `name`, generated once into .data/."""
    users, items, count = SIZES[name]
    path = os.path.join(compare.WORK, f"scale_{users}x{items}x{count}_seed{seed}.csv")
    if not os.path.exists(path):
        os.makedirs(compare.WORK, exist_ok=True)
        rng = np.random.default_rng(seed)
        pairs = compare.power_law_pairs(rng, users, items, count, draw=int(count * 1.3) + 1000)
        frame = pd.DataFrame({"user": pairs // items, "item": pairs % items, "value": np.ones(count, dtype=np.int8)})
        frame.to_csv(path + ".tmp", index=False)
        os.replace(path + ".tmp", path)
    return path


def timed(command):
    """Runs `command` under /usr/bin/time -v; returns wall seconds, processor seconds (user +
    system), peak RSS in MB and stderr."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, secs = wall.groups()
    seconds = int(hours or 0) * 3600 + int(minutes) * 60 + float(secs)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr).group(1)) for kind in ("User", "System"))
    return seconds, cpu, rss, result.stderr


def phases_of(stderr):
    """The JSON object of phase seconds on the last line of `stderr` that holds one."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2M,10M,25M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "fusionrec"))
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    out = tempfile.mkdtemp(prefix="fusionrec-scale-")
    report = []
    for name in args.sizes.split(","):
        path = dataset(name)
        runs = {"fusionrec": [], "implicit": []}
        for _ in range(args.repeats):
            for side in runs:
                output = os.path.join(out, f"{side}.csv")
                if side == "fusionrec":
                    command = [args.binary, "recommend", "--train", path, "--model", "implicit-als",
                               "--precision", "float", "--iterations", "5", "--k", "10", "--output", output,
                               "--timings"]
                else:
                    command = [args.python, os.path.join(HERE, "scale_implicit.py"), path, output, "5", "10"]
                seconds, cpu, rss, stderr = timed(command)
                lines = sum(1 for _ in open(output)) - 1
                runs[side].append({"wall": seconds, "cpu": cpu, "rss_mb": rss, "phases": phases_of(stderr), "lines": lines})
                print(f"{name} {side}: {json.dumps(runs[side][-1])}, load {os.getloadavg()[0]:.1f}", file=sys.stderr,
                      flush=True)
                os.remove(output)
        row = {"size": name, "file_mb": os.path.getsize(path) / 1e6}
        for side, results in runs.items():
            phase_names = results[0]["phases"].keys()
            row[side] = {
                "wall": statistics.median(r["wall"] for r in results),
                "cpu": statistics.median(r["cpu"] for r in results),
                "rss_mb": statistics.median(r["rss_mb"] for r in results),
                "phases": {p: statistics.median(r["phases"][p] for r in results) for p in phase_names},
                "walls": [round(r["wall"], 2) for r in results],
                "lines": results[0]["lines"],
            }
        f, i = row["fusionrec"], row["implicit"]
        print(f"{name} ({row['file_mb']:.0f} MB): fusionrec {f['wall']:.1f} s ({f['cpu']:.1f} cpu) {f['rss_mb']:.0f} MB "
              f"{ {k: round(v, 2) for k, v in f['phases'].items()} } | implicit {i['wall']:.1f} s ({i['cpu']:.1f} cpu) {i['rss_mb']:.0f} MB "
              f"{ {k: round(v, 2) for k, v in i['phases'].items()} } | time ratio {f['wall'] / i['wall']:.2f}, "
              f"memory ratio {f['rss_mb'] / i['rss_mb']:.2f}", flush=True)
        report.append(row)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
