#!/usr/bin/env python3
"""Checks that numpy, given FusionRec's exported factors, ranks exactly as FusionRec does.

    fusionrec recommend --train TRAIN --model implicit-als --save model.frm --output recs.csv
    fusionrec export --model-file model.frm --output exported
    python3 Scripts/check-npy-interop.py exported TRAIN recs.csv

Loads the .npy files with numpy.load, scores every user with U @ V.T (+ biases), leaves
out each user's training items, takes the top K (K = the length of FusionRec's lists),
and compares with FusionRec's recommendations: the share of users whose lists are
identical, and the largest score difference. Exits non-zero if any list differs.
"""
import csv
import json
import os
import sys

import numpy as np


def main(folder, train_path, recommendations_path):
    users = json.load(open(os.path.join(folder, "user-ids.json"), encoding="utf-8"))
    items = json.load(open(os.path.join(folder, "item-ids.json"), encoding="utf-8"))
    u = np.load(os.path.join(folder, "user-factors.npy"))
    v = np.load(os.path.join(folder, "item-factors.npy"))
    assert len(users) == u.shape[0] and len(items) == v.shape[0], "one id per factor row"
    scores_bias = 0.0
    user_bias = np.zeros(len(users))
    item_bias = np.zeros(len(items))
    if os.path.exists(os.path.join(folder, "global-bias.txt")):
        scores_bias = float(open(os.path.join(folder, "global-bias.txt")).read())
    if os.path.exists(os.path.join(folder, "user-biases.npy")):
        user_bias = np.load(os.path.join(folder, "user-biases.npy"))[:, 0]
    if os.path.exists(os.path.join(folder, "item-biases.npy")):
        item_bias = np.load(os.path.join(folder, "item-biases.npy"))[:, 0]
    user_index = {user: index for index, user in enumerate(users)}
    item_index = {item: index for index, item in enumerate(items)}

    with open(train_path, newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        user_column = next(i for i, name in enumerate(header) if name in ("userId", "user_id", "user", "userID"))
        item_column = next(i for i, name in enumerate(header) if name in ("movieId", "itemId", "item_id", "item", "itemID"))
        seen = {}
        for row in reader:
            if row:
                seen.setdefault(row[user_column], set()).add(item_index[row[item_column]])

    expected = {}
    with open(recommendations_path, newline="") as file:
        for row in csv.DictReader(file):
            expected.setdefault(row["user"], []).append((row["item"], float(row["score"])))

    scores = u @ v.T + scores_bias + user_bias[:, None] + item_bias[None, :]
    identical, max_difference = 0, 0.0
    for user, ranking in expected.items():
        row = scores[user_index[user]].copy()
        row[list(seen.get(user, ()))] = -np.inf
        order = sorted(range(len(items)), key=lambda i: (-row[i], i))[: len(ranking)]
        if [items[i] for i in order] == [item for item, _ in ranking]:
            identical += 1
        for i, (_, score) in zip(order, ranking):
            max_difference = max(max_difference, abs(row[i] - score))
    print(f"users: {len(expected)}, identical top-{len(next(iter(expected.values())))} lists: {identical} "
          f"({100.0 * identical / len(expected):.2f}%), largest score difference: {max_difference:.3g}")
    return 0 if identical == len(expected) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
