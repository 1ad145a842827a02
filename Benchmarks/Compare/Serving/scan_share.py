"""How much of the item rows a top-10 scan that stops early reads, per user, for the
factors `fusionrec export` wrote (Docs/Serving.md, *Scans that stop early*).

    ../.venv-serving/bin/python scan_share.py ../.data/serving/ml-small

Items are sorted by the norm of their factors and cut into chunks of 64 rows; a user's scan
stops at the first chunk whose largest norm times the user's norm is below the user's
final 10th-best score with the history left out (the bound of `_NormOrderedRows` for a
model without biases, checked at every chunk; the live model checks every fourth). Prints
the item norms' spread and the share of rows read: mean, median, 90th percentile.
"""
import csv
import json
import os
import sys

import numpy as np

directory = sys.argv[1]
export = os.path.join(directory, "export")
users = np.load(os.path.join(export, "user-factors.npy")).astype(np.float64)
items = np.load(os.path.join(export, "item-factors.npy")).astype(np.float64)
user_index = {int(u): i for i, u in enumerate(json.load(open(os.path.join(export, "user-ids.json"))))}
item_index = {int(x): i for i, x in enumerate(json.load(open(os.path.join(export, "item-ids.json"))))}
history: dict[int, set[int]] = {}
with open(os.path.join(directory, "ratings.csv"), newline="") as handle:
    reader = csv.reader(handle)
    next(reader)
    for row in reader:
        u, i = user_index.get(int(row[0])), item_index.get(int(row[1]))
        if u is not None and i is not None:
            history.setdefault(u, set()).add(i)

norms = np.linalg.norm(items, axis=1)
largest = np.sort(norms)[::-1][::64]  # each chunk's largest norm, in scan order
shares = []
for u in range(len(users)):
    scores = items @ users[u]
    scores[list(history.get(u, ()))] = -np.inf
    tenth = np.sort(scores)[-10]
    below = np.linalg.norm(users[u]) * largest < tenth
    stop = int(np.argmax(below)) if below.any() else len(largest)
    shares.append(min(stop * 64, len(items)) / len(items))
shares = np.array(shares)
print(f"item norms: min {norms.min():.2f}, median {np.median(norms):.2f}, max {norms.max():.2f}")
print(f"{len(shares)} users, rows read: mean {shares.mean():.1%}, median {np.median(shares):.1%}, "
      f"90th percentile {np.quantile(shares, 0.9):.1%}")
