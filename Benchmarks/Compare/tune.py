"""Grid search for implicit ALS on the inner split of ml-latest-small u8020.

Hyper-parameters are chosen on ml-small_u8020_inner_fit.csv → _inner_val.csv only; the
chosen setting is then fitted on the full u8020 training set and scored once on the test
set. Metrics as in compare.py (full ranking, training items excluded). Run with the
virtualenv of run.sh: Benchmarks/Compare/.venv/bin/python Benchmarks/Compare/tune.py
"""
import argparse
import itertools
import os

import numpy as np

from compare import SPLITS, Data, fusionrec, ranking_metrics, rmse


def tune_explicit(args, inner, outer):
    """λ and λ_b for explicit ALS with biases (k = 40, 10 iterations), chosen by inner RMSE
    over all inner-validation ratings (items outside the catalogue predicted μ + bᵤ)."""
    results = []
    grid = itertools.product(args.explicit_regularization.split(","), args.explicit_bias_regularization.split(","))
    for lam, bias in grid:
        extra = ["--model", "als", "--factors", "40", "--iterations", "10", "--regularization", lam]
        if bias != "same":
            extra += ["--bias-regularization", bias]
        _, users, items, (mu, ub, ib) = fusionrec(inner, args, extra)
        error = rmse(inner, lambda u, i: mu + ub[u] + ib[i] + np.einsum("ij,ij->i", users[u], items[i]),
                     lambda u: mu + ub[u])
        results.append((error, extra))
        print(f"explicit {' '.join(extra[6:])}  inner RMSE {error:.4f}", flush=True)
    error, best = min(results, key=lambda r: r[0])
    _, users, items, (mu, ub, ib) = fusionrec(outer, args, best)
    test = rmse(outer, lambda u, i: mu + ub[u] + ib[i] + np.einsum("ij,ij->i", users[u], items[i]),
                lambda u: mu + ub[u])
    print("selected on the inner split:", " ".join(best[2:]), f"(inner RMSE {error:.4f}); u8020 test RMSE {test:.4f}",
          "(all test ratings, items outside the catalogue predicted μ + bᵤ)")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factors", default="32,64,128")
    parser.add_argument("--regularization", default="0.05,5,50,200")
    parser.add_argument("--alpha", default="1,5,20,40")
    parser.add_argument("--values", default="binary,raw")
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--solver", default="cg")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--explicit-regularization", default="2,5,7,10,15,20",
                        help="λ grid for explicit ALS; tuned instead of implicit ALS with --explicit")
    parser.add_argument("--explicit-bias-regularization", default="same",
                        help="λ_b grid for explicit ALS; 'same' uses λ")
    parser.add_argument("--explicit", action="store_true")
    args = parser.parse_args()
    inner = Data(os.path.join(SPLITS, "ml-small_u8020_inner_fit.csv"), os.path.join(SPLITS, "ml-small_u8020_inner_val.csv"))
    outer = Data(os.path.join(SPLITS, "ml-small_u8020_train.csv"), os.path.join(SPLITS, "ml-small_u8020_test.csv"))
    if args.explicit:
        return tune_explicit(args, inner, outer)
    grid = itertools.product(args.factors.split(","), args.regularization.split(","), args.alpha.split(","),
                             args.values.split(","))
    results = []
    for factors, lam, alpha, values in grid:
        extra = ["--model", "implicit-als", "--factors", factors, "--regularization", lam, "--alpha", alpha,
                 "--implicit-values", values, "--iterations", str(args.iterations), "--solver", args.solver]
        _, users, items, _ = fusionrec(inner, args, extra)
        precision, ndcg = ranking_metrics(inner, users, items)
        results.append((ndcg, precision, extra))
        print(f"k={factors:>4} λ={lam:>6} α={alpha:>4} values={values:<6}  inner P@10 {precision:.4f}  NDCG@10 {ndcg:.4f}",
              flush=True)
    ndcg, precision, best = max(results, key=lambda r: r[0])
    print("selected on the inner split:", " ".join(best[2:]), f"(inner NDCG@10 {ndcg:.4f})")
    _, users, items, _ = fusionrec(outer, args, best)
    precision, ndcg = ranking_metrics(outer, users, items)
    print(f"u8020 test with the selected setting: P@10 {precision:.4f}  NDCG@10 {ndcg:.4f}")


if __name__ == "__main__":
    main()
