"""Batched top-10 throughput: FusionRec's Ranker against implicit's `recommend`.

Both rank every training user's top 10 items with the user's training items filtered
out, on the same factors (FusionRec's implicit-ALS fit, float32, k = 64), with 2 threads.
The script checks that both return the same lists and prints the median times and their
ratio, one line per dataset. Run it through the comparison virtualenv:

    Benchmarks/Compare/run.sh --help >/dev/null   # creates .venv and builds fusionrec-compare
    Benchmarks/Compare/.venv/bin/python Benchmarks/Compare/recommend_compare.py

With `--scale 2M,10M` it ranks seeded synthetic factors instead of fitting (see
`synthetic_factors`): 2M is 50k users x 20k items, 10M 200k x 50k, 25M 160k x 60k
interactions excluded, k = 64, float32. Both sides read the same `.npy` files, and the
line also gives each side's GFLOP/s (2·users·items·k per run) and the share of users
whose top-10 lists are identical in order as well as in content.
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
from threadpoolctl import threadpool_info, threadpool_limits

import compare


SCALES = {"2M": (50_000, 20_000, 2_000_000), "10M": (200_000, 50_000, 10_000_000),
          "25M": (160_000, 60_000, 25_000_000)}


def synthetic_factors(users, items, interactions, k=64, seed=11):
    """Seeded factors and training matrix for ranking at scale, cached in .data/.

    Interactions: `interactions` distinct pairs from compare.power_law_pairs. Factors: Gaussian
    with standard deviation 0.1, plus a popularity component (standardised log popularity
    in the items' first column, a positive weight in the users'), so that popular items,
    which are also the most often excluded, score high as they do with fitted factors.
    Writes user_factors.npy and item_factors.npy (float32) and the training CSR as
    train_indptr.npy and train_indices.npy (float64, which FusionRec's .npy reader takes)."""
    directory = os.path.join(compare.WORK, f"factors_{users}x{items}x{interactions}_k{k}_seed{seed}")
    if os.path.exists(os.path.join(directory, "train_indices.npy")):
        return directory
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(seed)
    pairs = np.sort(compare.power_law_pairs(rng, users, items, interactions, draw=int(interactions * 1.3) + 1000))
    rows, columns = pairs // items, pairs % items
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=users))])
    log_popularity = np.log(1.0 / (np.arange(items) + 10.0))
    user_factors = (0.1 * rng.standard_normal((users, k))).astype(np.float32)
    item_factors = (0.1 * rng.standard_normal((items, k))).astype(np.float32)
    item_factors[:, 0] = (log_popularity - log_popularity.mean()) / log_popularity.std()
    user_factors[:, 0] = np.abs(0.2 + 0.1 * rng.standard_normal(users))
    np.save(os.path.join(directory, "user_factors.npy"), user_factors)
    np.save(os.path.join(directory, "item_factors.npy"), item_factors)
    np.save(os.path.join(directory, "train_indptr.npy"), indptr.astype(np.float64))
    np.save(os.path.join(directory, "train_indices.npy"), columns.astype(np.float64))
    return directory


def scale_case(name, args):
    """Ranks one synthetic scale on both sides and prints the comparison line."""
    users, items, interactions = SCALES[name]
    directory = synthetic_factors(users, items, interactions)
    out = tempfile.mkdtemp(prefix="fusionrec-rank-")
    command = [compare.BINARY, "--rank", directory, out, "--threads", str(args.threads),
               "--recommend-repeats", str(args.repeats)] + args.fusionrec_options.split()
    result = subprocess.run(command, check=True, capture_output=True, text=True,
                            env=dict(os.environ, OPENBLAS_VERBOSE="2"))
    info = json.loads(result.stdout.strip().splitlines()[-1])
    core = next((line.split(":", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("Core:")),
                "unknown")
    fusion_top = np.fromfile(os.path.join(out, "top10.bin"), dtype=np.int64).reshape(-1, 10)
    shutil.rmtree(out)

    import implicit
    user_factors = np.load(os.path.join(directory, "user_factors.npy"))
    item_factors = np.load(os.path.join(directory, "item_factors.npy"))
    indptr = np.load(os.path.join(directory, "train_indptr.npy")).astype(np.int64)
    indices = np.load(os.path.join(directory, "train_indices.npy")).astype(np.int32)
    liked = sp.csr_matrix((np.ones(indices.size, dtype=np.float32), indices, indptr), shape=(users, items))
    k = user_factors.shape[1]
    model = implicit.cpu.als.AlternatingLeastSquares(factors=k, num_threads=args.threads, dtype=np.float32)
    model.user_factors, model.item_factors = user_factors, item_factors
    queried = np.arange(users)
    times, cpu_times = [], []
    with threadpool_limits(1, "blas"):
        for _ in range(args.repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            implicit_top, implicit_scores = model.recommend(queried, liked, N=10, filter_already_liked_items=True)
            times.append(time.perf_counter() - start)
            cpu_times.append(time.process_time() - cpu_start)
    differing = int(np.sum(~np.all(implicit_top == fusion_top, axis=1)))
    same_lists = 1.0 - differing / users
    # implicit orders exactly tied scores arbitrarily; FusionRec by catalogue order (item id).
    by_id = np.lexsort((implicit_top, -implicit_scores), axis=1)
    tie_ordered = np.take_along_axis(implicit_top, by_id, axis=1)
    same_up_to_ties = float(np.mean(np.all(tie_ordered == fusion_top, axis=1)))
    same_sets = float(np.mean(np.all(np.sort(implicit_top, axis=1) == np.sort(fusion_top, axis=1), axis=1)))
    fusion_seconds = float(np.median(info["recommend_seconds"]))
    implicit_seconds = float(np.median(times))
    flops = 2.0 * users * items * k
    implicit_core = next((pool.get("architecture", "?") for pool in threadpool_info()
                          if pool.get("internal_api") == "openblas"), "?")
    print(f"{name}: {users} users x {items} items, {info['interactions']} excluded, k = {k}, "
          f"{args.threads} threads, OpenBLAS kernels {core} / {implicit_core}: FusionRec {fusion_seconds:.3f} s ({flops / fusion_seconds / 1e9:.0f} GFLOP/s), "
          f"implicit {implicit_seconds:.3f} s ({flops / implicit_seconds / 1e9:.0f} GFLOP/s), "
          f"ratio {fusion_seconds / implicit_seconds:.2f} (median of {args.repeats}; "
          f"FusionRec runs {', '.join(f'{t:.3f}' for t in info['recommend_seconds'])}, "
          f"implicit {', '.join(f'{t:.3f}' for t in times)}); processor seconds (median): FusionRec "
          f"{np.median(info['recommend_cpu_seconds']):.2f}, implicit {np.median(cpu_times):.2f}, ratio "
          f"{np.median(info['recommend_cpu_seconds']) / np.median(cpu_times):.2f}; identical top-10 lists for "
          f"{same_lists * 100:.2f}% of users ({differing} differ; {same_up_to_ties * 100:.2f}% once implicit's exact ties are "
          f"put in item order), identical sets for {same_sets * 100:.2f}%", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="ml-small,synthetic")
    parser.add_argument("--scale", default="", help="synthetic factor scales to rank instead: 2M,10M,25M")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fusionrec-options", default="",
                        help="extra fusionrec-compare options, e.g. '--tile-rows 512 --threaded-products true'")
    args = parser.parse_args()
    if args.scale:
        for name in args.scale.split(","):
            scale_case(name, args)
        return
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
