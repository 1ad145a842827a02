"""Peer comparison: FusionRec against implicit (ALS, CG and Cholesky) and cmfrec (explicit
CMF with biases) on the same data, factors, regularisation, iterations and thread count.

Run through run.sh, which prepares the virtualenv and the release build. Every model's
factors are evaluated by the same code below (full ranking over the catalogue, training
items excluded, users with at least one test item in the catalogue), so quality numbers
are comparable. Times are medians over --repeats fits.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SPLITS = os.environ.get("FUSIONREC_SPLITS", os.path.join(ROOT, "Data", "ml-latest-small", "splits"))
WORK = os.path.join(HERE, ".data")
BINARY = os.path.join(ROOT, ".build", "release", "fusionrec-compare")


def read_csv(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1, usecols=(0, 1, 2))
    return data[:, 0].astype(np.int64), data[:, 1].astype(np.int64), data[:, 2]


def power_law_pairs(rng, users, items, count, draw):
    """`count` distinct (user, item) pairs, coded user * items + item, in random order:
    item popularity ∝ (rank + 10)^-1 (a power law), user activity log-normal, drawn
    `draw` pairs at a time until there are enough distinct ones."""
    popularity = 1.0 / (np.arange(items) + 10.0)
    popularity /= popularity.sum()
    activity = rng.lognormal(0.0, 1.0, users)
    activity /= activity.sum()
    pairs = np.empty(0, dtype=np.int64)
    while pairs.size < count:
        u = rng.choice(users, size=draw, p=activity)
        i = rng.choice(items, size=draw, p=popularity)
        pairs = np.unique(np.concatenate([pairs, u * items + i]))
    return rng.permutation(pairs)[:count]


def synthetic(users=50_000, items=20_000, interactions=2_000_000, seed=7):
    """Seeded synthetic implicit data: item popularity ∝ (rank + 10)^-1 (a power law),
    user activity log-normal; duplicates removed, then the first `interactions` pairs kept.
    Returns train and test (every fifth interaction of each user, by position) CSV paths."""
    os.makedirs(WORK, exist_ok=True)
    train_path = os.path.join(WORK, f"synthetic_{users}x{items}x{interactions}_train.csv")
    test_path = train_path.replace("_train", "_test")
    if os.path.exists(train_path) and os.path.exists(test_path):
        return train_path, test_path
    rng = np.random.default_rng(seed)
    pairs = power_law_pairs(rng, users, items, int(interactions * 1.25), draw=int(interactions * 1.5))
    u, i = pairs // items, pairs % items
    is_test = (np.arange(u.size) % 5) == 4
    for path, mask in ((train_path, ~is_test), (test_path, is_test)):
        with open(path, "w") as f:
            f.write("user,item,value\n")
            np.savetxt(f, np.column_stack([u[mask], i[mask], np.ones(mask.sum())]), fmt="%d,%d,%d")
    return train_path, test_path


class Data:
    def __init__(self, train_path, test_path):
        self.train_path = train_path
        u, i, r = read_csv(train_path)
        self.user_ids, uidx = np.unique(u, return_inverse=True)
        self.item_ids, iidx = np.unique(i, return_inverse=True)
        self.ratings = (uidx, iidx, r)
        shape = (self.user_ids.size, self.item_ids.size)
        self.binary = sp.csr_matrix((np.ones_like(r, dtype=np.float32), (uidx, iidx)), shape=shape)
        tu, ti, tr = read_csv(test_path)
        uix = np.searchsorted(self.user_ids, tu).clip(0, self.user_ids.size - 1)
        iix = np.searchsorted(self.item_ids, ti).clip(0, self.item_ids.size - 1)
        known = (self.user_ids[uix] == tu) & (self.item_ids[iix] == ti)
        self.test = (uix[known], iix[known], tr[known])
        # Test ratings of known users on items outside the catalogue: FusionRec's
        # evaluation predicts them μ + bᵤ and counts them in RMSE (Docs/Ranking.md).
        user_only = (self.user_ids[uix] == tu) & ~known
        self.cold_test = (uix[user_only], tr[user_only])
        # Test items outside the catalogue (no training interaction) can never be
        # retrieved; as in FusionRec's evaluation they stay in |Tᵤ| and count as misses.
        self.test_sets = {}
        user_known = self.user_ids[uix] == tu
        for a, b, ok, item in zip(uix[user_known], iix[user_known], known[user_known], ti[user_known]):
            self.test_sets.setdefault(int(a), set()).add(int(b) if ok else -1 - int(item))


def ranking_metrics(data, user_factors, item_factors, k=10):
    """precision@k and NDCG@k (binary gains) over full ranking, training items excluded."""
    precision, ndcg = [], []
    users = sorted(data.test_sets)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    for start in range(0, len(users), 512):
        block = users[start:start + 512]
        scores = user_factors[block] @ item_factors.T
        for row, u in enumerate(block):
            seen = data.binary.indices[data.binary.indptr[u]:data.binary.indptr[u + 1]]
            s = scores[row]
            s[seen] = -np.inf
            top = np.argpartition(-s, k)[:k]
            # ties broken by catalogue order: a stable sort on (-score, index)
            top = top[np.lexsort((top, -s[top]))]
            truth = data.test_sets[u]
            hits = np.array([1.0 if int(t) in truth else 0.0 for t in top])
            precision.append(hits.sum() / k)
            ideal = discounts[: min(k, len(truth))].sum()
            ndcg.append((hits * discounts).sum() / ideal)
    return float(np.mean(precision)), float(np.mean(ndcg))


def rmse(data, predict, predict_user_only=None):
    """RMSE over test ratings whose user and item are known; with `predict_user_only`,
    also over those of known users on items outside the catalogue (FusionRec's definition)."""
    u, i, r = data.test
    errors = predict(u, i) - r
    if predict_user_only is not None:
        cu, cr = data.cold_test
        errors = np.concatenate([errors, predict_user_only(cu) - cr])
    return float(np.sqrt(np.mean(errors ** 2)))


def fusionrec(data, args, extra):
    with tempfile.TemporaryDirectory(prefix="fusionrec-compare-") as out:
        return fusionrec_in(out, data, args, extra)


def fusionrec_in(out, data, args, extra):
    """Runs the fusionrec-compare executable writing into the folder `out` and reads its
    factors back (before `out` is removed)."""
    command = [BINARY, data.train_path, out, "--threads", str(args.threads)] + extra
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    info = json.loads(result.stdout.strip().splitlines()[-1])
    k = info["factors"]

    def load(name, dtype=np.float32):
        path = os.path.join(out, name)
        return np.fromfile(path, dtype=dtype) if os.path.exists(path) else None

    # Map FusionRec's first-appearance indices onto this script's sorted ids.
    user_order = np.searchsorted(data.user_ids, load("user_ids.bin", np.int64))
    item_order = np.searchsorted(data.item_ids, load("item_ids.bin", np.int64))
    users = np.zeros((data.user_ids.size, k), dtype=np.float32)
    items = np.zeros((data.item_ids.size, k), dtype=np.float32)
    users[user_order] = load("user_factors.bin").reshape(-1, k)
    items[item_order] = load("item_factors.bin").reshape(-1, k)
    biases = None
    if load("user_biases.bin") is not None:
        ub = np.zeros(data.user_ids.size, dtype=np.float32)
        ib = np.zeros(data.item_ids.size, dtype=np.float32)
        ub[user_order] = load("user_biases.bin")
        ib[item_order] = load("item_biases.bin")
        biases = (info["global_bias"], ub, ib)
    return info["fit_seconds"], users, items, biases


def implicit_als(data, args, cg):
    import implicit
    # implicit's confidence is alpha·value; FusionRec's is 1 + alpha·value. With binary
    # values, implicit alpha = 1 + alpha gives both the same confidence for every interaction.
    with threadpool_limits(1, "blas"):
        model = implicit.cpu.als.AlternatingLeastSquares(
            factors=args.factors, regularization=args.regularization, alpha=1.0 + args.alpha,
            iterations=args.iterations, use_cg=cg, num_threads=args.threads,
            random_state=args.seed, dtype=np.float32, calculate_training_loss=False)
        model.cg_steps = args.cg_steps
        start = time.perf_counter()
        model.fit(data.binary, show_progress=False)
        seconds = time.perf_counter() - start
    return seconds, model.user_factors, model.item_factors


def cmfrec_explicit(data, args):
    import pandas as pd
    import cmfrec
    u, i, r = data.ratings
    frame = pd.DataFrame({"UserId": u, "ItemId": i, "Rating": r})
    model = cmfrec.CMF(k=args.explicit_factors, lambda_=args.explicit_regularization, method="als", use_cg=False,
                       user_bias=True, item_bias=True, niter=args.explicit_iterations, nthreads=args.threads,
                       verbose=False, random_state=args.seed)
    start = time.perf_counter()
    model.fit(frame)
    seconds = time.perf_counter() - start
    return seconds, (lambda tu, ti: model.predict(user=tu, item=ti)), (lambda tu: model.glob_mean_ + model.user_bias_[tu])


def median_runs(function, repeats):
    runs = [function() for _ in range(repeats)]
    times = [run[0] for run in runs]
    return statistics.median(times), runs[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", default="ml-small,synthetic")
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--regularization", type=float, default=0.05)
    parser.add_argument("--alpha", type=float, default=40.0)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--cg-steps", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--solvers", default="cg,cholesky")
    parser.add_argument("--explicit", action="store_true", help="also compare explicit ALS with cmfrec")
    parser.add_argument("--explicit-factors", type=int, default=40)
    parser.add_argument("--explicit-regularization", type=float, default=10.0)
    parser.add_argument("--fusionrec-explicit-regularization", type=float, default=None)
    parser.add_argument("--fusionrec-explicit-bias-regularization", type=float, default=None)
    parser.add_argument("--explicit-iterations", type=int, default=10)
    args = parser.parse_args()

    print(f"# k={args.factors} λ={args.regularization} α={args.alpha} (confidence {1 + args.alpha:g}) "
          f"iterations={args.iterations} cg-steps={args.cg_steps} threads={args.threads} float32; "
          f"times are medians of {args.repeats} fits, per iteration", flush=True)
    print(f"{'dataset':<10} {'solver':<9} {'fusionrec s/it':>14} {'implicit s/it':>13} {'ratio':>6}  "
          f"{'P@10 F/I':>13}  {'NDCG@10 F/I':>13}", flush=True)
    for name in args.datasets.split(","):
        if name == "ml-small":
            data = Data(os.path.join(SPLITS, "ml-small_u8020_train.csv"), os.path.join(SPLITS, "ml-small_u8020_test.csv"))
        else:
            data = Data(*synthetic())
        for solver in args.solvers.split(","):
            cg = solver == "cg"
            extra = ["--model", "implicit-als", "--factors", str(args.factors), "--iterations", str(args.iterations),
                     "--regularization", str(args.regularization), "--alpha", str(args.alpha),
                     "--solver", solver, "--cg-steps", str(args.cg_steps), "--seed", str(args.seed),
                     "--implicit-values", "binary"]
            f_time, (_, fu, fi, _) = median_runs(lambda: fusionrec(data, args, extra), args.repeats)
            i_time, (_, iu, ii) = median_runs(lambda: implicit_als(data, args, cg), args.repeats)
            fp, fn = ranking_metrics(data, fu, fi)
            ip, inn = ranking_metrics(data, iu, ii)
            per = args.iterations
            print(f"{name:<10} {solver:<9} {f_time / per:>14.4f} {i_time / per:>13.4f} {f_time / i_time:>6.2f}  "
                  f"{fp:>6.4f}/{ip:<6.4f}  {fn:>6.4f}/{inn:<6.4f}", flush=True)
        if args.explicit and name == "ml-small":
            lam = args.fusionrec_explicit_regularization or args.explicit_regularization
            extra = ["--model", "als", "--factors", str(args.explicit_factors), "--iterations",
                     str(args.explicit_iterations), "--regularization", str(lam), "--seed", str(args.seed)]
            if args.fusionrec_explicit_bias_regularization is not None:
                extra += ["--bias-regularization", str(args.fusionrec_explicit_bias_regularization)]
            f_time, (_, fu, fi, (mu, ub, ib)) = median_runs(lambda: fusionrec(data, args, extra), args.repeats)
            c_time, (_, predict, predict_user) = median_runs(lambda: cmfrec_explicit(data, args), args.repeats)
            f_predict = lambda u, i: mu + ub[u] + ib[i] + np.einsum("ij,ij->i", fu[u], fi[i])
            f_user = lambda u: mu + ub[u]
            print(f"{name:<10} explicit  fusionrec fit {f_time:.4f} s (λ={lam:g}, λ_b={args.fusionrec_explicit_bias_regularization or lam:g}), cmfrec fit {c_time:.4f} s "
                  f"(λ={args.explicit_regularization:g}), ratio {f_time / c_time:.2f}; test RMSE F/C "
                  f"{rmse(data, f_predict, f_user):.4f}/{rmse(data, predict, predict_user):.4f} over all test ratings "
                  f"(items outside the catalogue predicted μ + bᵤ), "
                  f"{rmse(data, f_predict):.4f}/{rmse(data, predict):.4f} over known items", flush=True)


if __name__ == "__main__":
    sys.exit(main())
