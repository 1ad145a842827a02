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

loads = [float(run["load1"]) for group in runs.values() for run in group if "load1" in run]
if loads:
    print(f"load average (1 min) at the end of the runs: {min(loads):.1f}–{max(loads):.1f}, median {statistics.median(loads):.1f}")
print("| data | writes | swaps | service | runs | requests/s | p50 ms | p99 ms | p99.9 ms | CPU µs/request | wrk's CPU µs/request | errors | RSS MiB before → after |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for (data, writes, swapped, which), group in sorted(runs.items(), key=lambda item: (item[0][0], float(item[0][1]), item[0][2], item[0][3])):
    median = lambda key: statistics.median(float(run[key]) for run in group)
    errors = sum(int(run["errors"]) for run in group)
    swaps = sum(int(run.get("swaps", 0)) for run in group)
    wrk = f"{median('wrk_cpu_us_per_request'):,.0f}" if all("wrk_cpu_us_per_request" in run for run in group) else "—"
    print(f"| {data} | {float(writes):.0%} | {swaps if swapped else 0} | {'FusionRec' if which == 'ours' else 'FastAPI + numpy'} "
          f"| {len(group)} | {median('rps'):,.0f} | {median('p50_ms'):.1f} | {median('p99_ms'):.1f} | {median('p999_ms'):.1f} "
          f"| {median('cpu_us_per_request'):,.0f} | {wrk} | {errors} | {median('rss_before_mib'):.0f} → {median('rss_after_mib'):.0f} |")

print()
print("| data | writes | throughput, FusionRec ÷ peer | p99, FusionRec ÷ peer | CPU per request, peer ÷ FusionRec |")
print("| --- | --- | --- | --- | --- |")
for (data, writes, swapped, which), group in sorted(runs.items(), key=lambda item: (item[0][0], float(item[0][1]))):
    peer = runs.get((data, writes, False, "peer"))
    if which != "ours" or swapped or not peer:
        continue
    median = lambda runs, key: statistics.median(float(run[key]) for run in runs)
    print(f"| {data} | {float(writes):.0%} | {median(group, 'rps') / median(peer, 'rps'):.1f}× "
          f"| {median(group, 'p99_ms') / median(peer, 'p99_ms'):.2f}× "
          f"| {median(peer, 'cpu_us_per_request') / median(group, 'cpu_us_per_request'):.1f}× |")
