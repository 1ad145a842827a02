"""Medians of the runs in a results file of run-all.sh, as the Markdown table of Docs/Serving.md.

    python3 summarize.py ../.data/serving/results.txt
"""
import statistics
import sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    parts = line.split()
    fields = dict(part.split("=", 1) for part in parts[2:])
    swapped = int(fields.get("swaps", "0")) > 0
    if float(fields["seconds"]) > 60:  # the long memory run is reported on its own
        print(f"long run: {parts[0]} {parts[1]} {fields['requests']} requests in {fields['seconds']} s, "
              f"RSS {fields['rss_before_mib']} → {fields['rss_after_mib']} MiB, errors {fields['errors']}")
        continue
    runs[(parts[1], fields["writes"], swapped, parts[0])].append(fields)

NAMES = {"ours": "FusionRec", "peer": "FastAPI + uvicorn", "peer-shared": "FastAPI + uvicorn, one socket",
         "peer-granian": "FastAPI + granian"}
PEERS = ("peer", "peer-shared", "peer-granian")
present = [name for name in PEERS if any(key[3] == name for key in runs)]
order = lambda item: (item[0][0], float(item[0][1]), item[0][2], list(NAMES).index(item[0][3]))


def median(group, key):
    return statistics.median(float(run[key]) for run in group)


loads = [float(run["load1"]) for group in runs.values() for run in group if "load1" in run]
if loads:
    print(f"load average (1 min) at the end of the runs: {min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}")
print("| data | writes | swaps | service | runs | requests/s | p50 ms | p99 ms | p99.9 ms | CPU µs/request | wrk's CPU µs/request | errors | RSS MiB before → after |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (data, writes, swapped, which), group in sorted(runs.items(), key=order):
    errors = sum(int(run["errors"]) for run in group)
    swaps = sum(int(run.get("swaps", 0)) for run in group)
    wrk = f"{median(group, 'wrk_cpu_us_per_request'):,.0f}" if all("wrk_cpu_us_per_request" in run for run in group) else "—"
    print(f"| {data} | {float(writes):.0%} | {swaps if swapped else 0} | {NAMES[which]} "
          f"| {len(group)} | {median(group, 'rps'):,.0f} | {median(group, 'p50_ms'):.1f} | {median(group, 'p99_ms'):.1f} "
          f"| {median(group, 'p999_ms'):.1f} | {median(group, 'cpu_us_per_request'):,.0f} | {wrk} | {errors} "
          f"| {median(group, 'rss_before_mib'):.0f} → {median(group, 'rss_after_mib'):.0f} |")

print()
print("| data | writes | FusionRec | " + " | ".join(NAMES[name] for name in present) + " |")
print("| --- | --- |" + " --- |" * (1 + len(present)))
for (data, writes, swapped, which), group in sorted(runs.items(), key=order):
    if which != "ours" or swapped:
        continue
    cells = [" ".join(f"{float(run['rps']):,.0f}" for run in runs.get((data, writes, False, name), [])) or "—"
             for name in ["ours"] + present]
    print(f"| {data} | {float(writes):.0%} | " + " | ".join(cells) + " |")

print()
print("| data | writes | " + " | ".join(f"÷ {NAMES[name]} (median)" for name in present) + " | ÷ the fastest peer run | "
      + " | ".join(f"p99 ÷ {NAMES[name]}'s" for name in present) + " | CPU per request, the cheaper peer ÷ FusionRec |")
print("| --- | --- |" + " --- |" * (2 * len(present) + 2))
for (data, writes, swapped, which), group in sorted(runs.items(), key=order):
    peers = {name: runs[(data, writes, False, name)] for name in present if (data, writes, False, name) in runs}
    if which != "ours" or swapped or not peers:
        continue
    ours = median(group, "rps")
    throughput = [f"{ours / median(peers[name], 'rps'):.1f}×" if name in peers else "—" for name in present]
    fastest = max(float(run["rps"]) for runs_ in peers.values() for run in runs_)
    p99 = [f"{median(group, 'p99_ms') / median(peers[name], 'p99_ms'):.2f}×" if name in peers else "—" for name in present]
    cpu = min(median(runs_, "cpu_us_per_request") for runs_ in peers.values()) / median(group, "cpu_us_per_request")
    print(f"| {data} | {float(writes):.0%} | " + " | ".join(throughput) + f" | {ours / fastest:.1f}× | "
          + " | ".join(p99) + f" | {cpu:.1f}× |")
