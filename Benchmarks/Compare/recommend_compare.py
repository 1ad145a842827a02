"""Batched top-10 throughput: FusionRec's Ranker against implicit's `recommend`.

Both rank every training user's top 10 items with the user's training items filtered
out, on the same factors (FusionRec's implicit-ALS fit, float32, k = 64), with 2 threads.
The script checks that both return the same lists and prints the median times and their
ratio, one line per dataset. Run it through the comparison virtualenv:

    Benchmarks/Compare/run.sh --help >/dev/null   # creates .venv and builds fusionrec-compare
    Benchmarks/Compare/.venv/bin/python Benchmarks/Compare/recommend_compare.py
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

import compare


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="ml-small,synthetic")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name in args.datasets.split(","):
        train = (os.path.join(compare.SPLITS, "ml-small_u8020_train.csv") if name == "ml-small"
                 else compare.synthetic()[0])
        out = tempfile.mkdtemp(prefix="fusionrec-recommend-")
        result = subprocess.run(
            [compare.BINARY, train, out, "--threads", str(args.threads), "--iterations", "5",
             "--recommend-repeats", str(args.repeats)], check=True, capture_output=True, text=True)
        info = json.loads(result.stdout.strip().splitlines()[-1])
        k = info["factors"]
        load = lambda file, dtype=np.float32: np.fromfile(os.path.join(out, file), dtype=dtype)
        user_ids, item_ids = load("user_ids.bin", np.int64), load("item_ids.bin", np.int64)
        users = load("user_factors.bin").reshape(-1, k)
        items = load("item_factors.bin").reshape(-1, k)
        ranker_users = load("ranker_user_ids.bin", np.int64)
        fusion_top = load("top10.bin", np.int64).reshape(-1, 10)
        shutil.rmtree(out)

        # The same factors and training items in implicit, indexed by FusionRec's indices.
        u, i, _ = compare.read_csv(train)
        user_index = {user: index for index, user in enumerate(user_ids)}
        item_index = {item: index for index, item in enumerate(item_ids)}
        rows = np.fromiter((user_index[x] for x in u), dtype=np.int64, count=u.size)
        cols = np.fromiter((item_index[x] for x in i), dtype=np.int64, count=i.size)
        liked = sp.csr_matrix((np.ones(u.size, dtype=np.float32), (rows, cols)),
                              shape=(user_ids.size, item_ids.size))
        liked.sum_duplicates()
        liked.data[:] = 1
        import implicit
        model = implicit.cpu.als.AlternatingLeastSquares(factors=k, num_threads=args.threads, dtype=np.float32)
        model.user_factors, model.item_factors = users, items
        queried = np.fromiter((user_index[x] for x in ranker_users), dtype=np.int64, count=ranker_users.size)
        times = []
        with threadpool_limits(1, "blas"):
            for _ in range(args.repeats):
                start = time.perf_counter()
                ids, _ = model.recommend(queried, liked[queried], N=10, filter_already_liked_items=True)
                times.append(time.perf_counter() - start)
        implicit_top = item_ids[ids]
        same = float(np.mean(np.all(np.sort(implicit_top, axis=1) == np.sort(fusion_top, axis=1), axis=1)))
        fusion_seconds = float(np.median(info["recommend_seconds"]))
        implicit_seconds = float(np.median(times))
        print(f"{name}: {ranker_users.size} users x {item_ids.size} items, k = {k}: "
              f"FusionRec {fusion_seconds:.3f} s, implicit {implicit_seconds:.3f} s, "
              f"ratio {fusion_seconds / implicit_seconds:.2f} (median of {args.repeats}); "
              f"identical top-10 sets for {same * 100:.1f}% of users")


if __name__ == "__main__":
    main()
