"""Asks both services for the top-10 of the same users and compares the lists.

    python3 check_identical.py http://127.0.0.1:PORT_OURS http://127.0.0.1:PORT_PEER USERS [SAMPLE]

USERS: ids 1…USERS; SAMPLE (default: all) users drawn with seed 7. Prints how many lists are
identical (same ids in the same order), how many differ only in the order of equal scores
(within 1e-5), and the first differences. Exits 1 when a list differs otherwise. Our
service is asked CONCURRENCY (default 32) users at a time, so its answers come from
batched scans as under load.
"""
import json
import random
import sys
import urllib.request

ours, peer, users = sys.argv[1], sys.argv[2], int(sys.argv[3])
sample = int(sys.argv[4]) if len(sys.argv) > 4 else users
ids = sorted(random.Random(7).sample(range(1, users + 1), sample)) if sample < users else range(1, users + 1)


def top(base, user):
    with urllib.request.urlopen(f"{base}/api/users/{user}/recommendations?count=10", timeout=30) as response:
        return [(item["id"], item["score"]) for item in json.load(response)["items"]]


# CONCURRENCY (default 32) requests at a time to our service, so that its batcher answers
# them in batches as under load; the peer one at a time.
from concurrent.futures import ThreadPoolExecutor
import os
with ThreadPoolExecutor(int(os.environ.get("CONCURRENCY", "32"))) as pool:
    ours_lists = dict(zip(ids, pool.map(lambda user: top(ours, user), ids)))
identical = ties = 0
differences = []
for user in ids:
    a, b = ours_lists[user], top(peer, user)
    if [i for i, _ in a] == [i for i, _ in b]:
        identical += 1
    elif sorted(i for i, _ in a) == sorted(i for i, _ in b) or all(abs(x[1] - y[1]) < 1e-5 for x, y in zip(a, b)):
        ties += 1
    else:
        differences.append((user, a, b))
print(f"identical top-10 lists: {identical} of {len(ids)}; differing only among scores within 1e-5: {ties}; "
      f"differing: {len(differences)}")
for user, a, b in differences[:3]:
    print(f"user {user}:\n  ours {a}\n  peer {b}")
sys.exit(1 if differences else 0)
