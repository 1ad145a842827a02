"""Cold-start and cost comparison of FusionRec's joint factorization with cmfrec.

Runs, in one process and on the same data (MovieLens ml-latest-small, public coldi10
split; 907 held-out items, each of the 662 users with a held-out rating ranks all of
them):

- FusionRec's default command, `--model fusion --text-column title --categorical-column
  genres --numeric-column year` and nothing else (its defaults were chosen on carved
  validation splits, see Docs/Fusion.md);
- FusionRec `--model fusion` (title, genres, one-hot year and genre x decade blocks) at
  k = 64 in float precision, offset and collective, and its fit cost per iteration next to
  FusionRec's plain implicit ALS;
- LightFM (WARP) with the same one-hot item features and no identity features, the
  cold-start recipe of its documentation (cold items have features only);
- cmfrec's collective model `CMF_implicit` and offsets model `OMF_implicit` (float), first with
  the genre and decade one-hot side information of the issue, then with the same non-text
  blocks FusionRec gets; cold items placed with `item_factors_cold`;
- a popularity-by-genre-and-decade baseline.

Cold-item metrics follow Docs/Ranking.md: NDCG@10 with binary gains and AUC as
Mann-Whitney over the cold catalogue (ties count one half), ties in the ranking broken by
ascending item id.

Usage: Benchmarks/Compare/run-fusion.sh (creates the virtualenv and builds first).
"""
import argparse
import csv
import json
import os
import subprocess
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "Data", "ml-latest-small")
FUSIONREC = os.path.join(ROOT, ".build", "release", "fusionrec")
DEFAULT_FLAGS = ["--model", "fusion", "--text-column", "title", "--categorical-column", "genres",
                 "--numeric-column", "year"]
FUSION_FLAGS = [
    "--model", "fusion", "--text-column", "title", "--categorical-column", "genres",
    "--numeric-column", "year=1", "--cross-column", "genres,year=10",
    "--block-weight", "genres=0.3", "--block-weight", "genres\u00d7year=0.3",
    "--loading-regularization", "10", "--hashing-dimension", "256", "--alpha", "5", "--precision", "float",
]


def read_split(name):
    frame = pd.read_csv(os.path.join(DATA, "splits", f"ml-small_{name}.csv"))
    return frame[["userId", "movieId", "rating"]]


def item_features(movies, year_width=10, genre_decades=False):
    """Genre multi-hot and year-bucket one-hot (decades by default), optionally with a
    genre x decade multi-hot: the side information the peers get."""
    genres = sorted({g for text in movies.genres for g in text.split("|") if g != "(no genres listed)"})

    def bucket(year, width):
        return None if pd.isna(year) else int(year // width * width)

    buckets = sorted({bucket(y, year_width) for y in movies.year.dropna()})
    cells = sorted({(g, bucket(m.year, 10)) for _, m in movies.iterrows() if not pd.isna(m.year)
                    for g in m.genres.split("|") if g != "(no genres listed)"}) if genre_decades else []
    cell_index = {cell: index for index, cell in enumerate(cells)}
    rows = []
    for _, movie in movies.iterrows():
        present = set(movie.genres.split("|"))
        row = [1.0 if g in present else 0.0 for g in genres]
        own = bucket(movie.year, year_width)
        row += [1.0 if b == own else 0.0 for b in buckets]
        crossed = [0.0] * len(cells)
        for g in present:
            index = cell_index.get((g, bucket(movie.year, 10)))
            if index is not None:
                crossed[index] = 1.0
        rows.append(row + crossed)
    return np.asarray(rows, dtype=np.float64)


def cold_metrics(scores_for_user, test, cold_items, k=10):
    """Mean NDCG@k and AUC over users with cold test items; `scores_for_user(u)` gives one
    score per cold item (in ascending id order)."""
    order_index = {item: index for index, item in enumerate(cold_items)}
    ndcgs, aucs = [], []
    for user, group in test.groupby("userId"):
        relevant = {order_index[i] for i in group.movieId if i in order_index}
        if not relevant:
            continue
        scores = np.asarray(scores_for_user(user), dtype=np.float64)
        ranking = np.lexsort((np.arange(len(scores)), -scores))[:k]
        gains = sum(1.0 / np.log2(rank + 2) for rank, item in enumerate(ranking) if item in relevant)
        ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(k, len(relevant))))
        ndcgs.append(gains / ideal)
        positive = np.zeros(len(scores), dtype=bool)
        positive[list(relevant)] = True
        pos, neg = scores[positive], scores[~positive]
        if len(neg):
            greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
            aucs.append(greater / (len(pos) * len(neg)))
    return {"users": len(ndcgs), "ndcg": float(np.mean(ndcgs)), "auc": float(np.mean(aucs))}


def run_fusionrec(extra, train, test):
    command = [FUSIONREC, "evaluate", "--train", train, "--test", test, "--items",
               os.path.join(DATA, "movies.csv"), "--format", "json", "--threads", "2"] + extra
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factors", type=int, default=64)
    parser.add_argument("--iterations", type=int, default=15)
    parser.add_argument("--repeats", type=int, default=7, help="fits per cost measurement (median)")
    parser.add_argument("--cost-iterations", type=int, default=60,
                        help="iterations of the fits whose time difference gives the cost per iteration")
    args = parser.parse_args()
    k, iterations = args.factors, args.iterations

    train, test = read_split("coldi10_train"), read_split("coldi10_test")
    movies = pd.read_csv(os.path.join(DATA, "movies.csv"))
    feature_sets = {
        "genres, decade": item_features(movies),
        "genres, one-hot year, genre x decade": item_features(movies, year_width=1, genre_decades=True),
    }
    cold_items = sorted(pd.read_csv(os.path.join(DATA, "splits", "ml-small_coldi10_items.csv")).iloc[:, 0])
    row_of = {item: index for index, item in enumerate(movies.movieId)}
    warm_items = sorted(train.movieId.unique())
    rows = []

    train_path = os.path.join(DATA, "splits", "ml-small_coldi10_train.csv")
    test_path = os.path.join(DATA, "splits", "ml-small_coldi10_test.csv")
    common = ["--factors", str(k), "--iterations", str(iterations)]
    fused = run_fusionrec(FUSION_FLAGS + common, train_path, test_path)
    rows.append(("FusionRec fusion (offset; title, genres, one-hot year, genre x decade)",
                 fused["cold_items"]["ndcg"], fused["cold_items"]["auc"], fused["fit_seconds"]))
    collective = run_fusionrec(FUSION_FLAGS + common + ["--item-side-model", "collective"], train_path, test_path)
    rows.append(("FusionRec fusion (collective; same blocks)",
                 collective["cold_items"]["ndcg"], collective["cold_items"]["auc"], collective["fit_seconds"]))
    default = run_fusionrec(DEFAULT_FLAGS, train_path, test_path)
    rows.insert(0, ("FusionRec default command (" + " ".join(DEFAULT_FLAGS[2:]) + ")",
                    default["cold_items"]["ndcg"], default["cold_items"]["auc"], default["fit_seconds"]))

    # Peers: one-hot side information, binary interactions; first the genres and
    # decades, then the same non-text blocks FusionRec gets.
    interactions = pd.DataFrame({"UserId": train.userId, "ItemId": train.movieId, "Value": 1.0})
    import cmfrec
    cmf_seconds = None
    for label, features in feature_sets.items():
        side = pd.DataFrame(features[[row_of[i] for i in warm_items]],
                            columns=[f"f{j}" for j in range(features.shape[1])])
        side.insert(0, "ItemId", warm_items)
        cold_rows = features[[row_of[i] for i in cold_items]]
        for name, make in [
            (f"cmfrec CMF_implicit (collective; {label})",
             lambda: cmfrec.CMF_implicit(k=k, niter=iterations, nthreads=2, use_float=True, verbose=False)),
            (f"cmfrec OMF_implicit (offsets; {label})",
             lambda: cmfrec.OMF_implicit(k=k, niter=iterations, nthreads=2, use_float=True, verbose=False)),
        ]:
            with threadpool_limits(1, "blas"):
                model = make()
                start = time.perf_counter()
                model.fit(X=interactions, I=side)
                seconds = time.perf_counter() - start
            cold_factors = np.vstack([model.item_factors_cold(I=row) for row in cold_rows])
            user_index = {u: i for i, u in enumerate(model.user_mapping_)}
            user_factors = model.A_ if hasattr(model, "A_") else model.Am_
            result = cold_metrics(lambda u: cold_factors @ user_factors[user_index[u]][: cold_factors.shape[1]],
                                  test, cold_items)
            rows.append((name, result["ndcg"], result["auc"], seconds))
            if cmf_seconds is None:
                cmf_seconds = seconds

    # LightFM with item features only (its cold-start recipe): every item, warm or cold, is
    # the sum of its feature embeddings, rows normalised as LightFM recommends.
    from lightfm import LightFM
    from scipy import sparse
    features = feature_sets["genres, one-hot year, genre x decade"]
    norms = features.sum(axis=1, keepdims=True)
    lightfm_features = sparse.csr_matrix(features / np.maximum(norms, 1), dtype=np.float32)
    user_ids = sorted(train.userId.unique())
    user_row = {u: i for i, u in enumerate(user_ids)}
    matrix = sparse.coo_matrix((np.ones(len(train), dtype=np.float32),
                                ([user_row[u] for u in train.userId], [row_of[i] for i in train.movieId])),
                               shape=(len(user_ids), len(movies)))
    model = LightFM(no_components=k, loss="warp", random_state=42)
    start = time.perf_counter()
    model.fit(matrix, item_features=lightfm_features, epochs=30, num_threads=2)
    seconds = time.perf_counter() - start
    cold_rows = np.array([row_of[i] for i in cold_items], dtype=np.int32)
    result = cold_metrics(
        lambda u: model.predict(user_row[u], cold_rows, item_features=lightfm_features, num_threads=1), test, cold_items)
    rows.append(("LightFM WARP (features only; genres, one-hot year, genre x decade; 30 epochs)",
                 result["ndcg"], result["auc"], seconds))

    # Popularity by genre and decade: a cold item scores the mean training count of warm
    # items sharing a genre and its decade, averaged over its genres.
    counts = train.movieId.value_counts()
    cell_sum, cell_n = {}, {}
    for _, movie in movies[movies.movieId.isin(warm_items)].iterrows():
        decade = None if pd.isna(movie.year) else int(movie.year // 10 * 10)
        for g in movie.genres.split("|"):
            cell_sum[(g, decade)] = cell_sum.get((g, decade), 0) + counts.get(movie.movieId, 0)
            cell_n[(g, decade)] = cell_n.get((g, decade), 0) + 1
    baseline_scores = []
    for item in cold_items:
        movie = movies.iloc[row_of[item]]
        decade = None if pd.isna(movie.year) else int(movie.year // 10 * 10)
        cells = [(g, decade) for g in movie.genres.split("|") if (g, decade) in cell_n]
        baseline_scores.append(np.mean([cell_sum[c] / cell_n[c] for c in cells]) if cells else 0.0)
    result = cold_metrics(lambda u: baseline_scores, test, cold_items)
    rows.append(("popularity by genre and decade", result["ndcg"], result["auc"], 0.0))

    print(f"coldi10: {fused['cold_items']['users_evaluated']} users rank {fused['cold_items']['items']} cold items; "
          f"k = {k}, {iterations} iterations, 2 threads")
    print(f"{'model':70s} {'NDCG@10':>8s} {'AUC':>7s} {'fit s':>7s}")
    for name, ndcg, auc, seconds in rows:
        print(f"{name:70s} {ndcg:8.4f} {auc:7.4f} {seconds:7.2f}")

    # Cost: seconds per iteration, from fits of N and 0 iterations; fusion and plain implicit
    # ALS alternate, so that load on the shared machine hits both alike (medians of repeats).
    def per_iteration(model_flags, its):
        common_flags = model_flags + ["--factors", str(k)]
        fitted = run_fusionrec(common_flags + ["--iterations", str(its)], train_path, test_path)["fit_seconds"]
        empty = run_fusionrec(common_flags + ["--iterations", "0"], train_path, test_path)["fit_seconds"]
        return (fitted - empty) / its
    n = args.cost_iterations
    plain_flags = ["--model", "implicit-als", "--alpha", "5", "--precision", "float"]
    fusion_times, plain_times = [], []
    for _ in range(args.repeats):
        fusion_times.append(per_iteration(FUSION_FLAGS, n))
        plain_times.append(per_iteration(plain_flags, n))
    fusion_per, plain_per = float(np.median(fusion_times)), float(np.median(plain_times))
    full, without_encoding = [], []
    for _ in range(args.repeats):
        report = run_fusionrec(FUSION_FLAGS + ["--factors", str(k), "--iterations", str(iterations)],
                               train_path, test_path)
        full.append(report["fit_seconds"])
        without_encoding.append(report["fit_seconds"] - report["encoding_seconds"])
    print(f"\ncost per iteration ({n}- minus 0-iteration fits, median of {args.repeats} alternating pairs): "
          f"fusion {fusion_per * 1000:.2f} ms, plain implicit ALS {plain_per * 1000:.2f} ms, "
          f"ratio {fusion_per / plain_per:.2f} (per pair: "
          + ", ".join(f"{f / p:.2f}" for f, p in zip(fusion_times, plain_times)) + ")")
    print(f"fusion fit of {iterations} iterations (median of {args.repeats}): {np.median(full):.2f} s with encoding "
          f"the blocks, {np.median(without_encoding):.2f} s without (fit, cold placement, ranker); "
          f"cmfrec CMF_implicit fit {cmf_seconds:.2f} s, ratio {np.median(without_encoding) / cmf_seconds:.2f}")


if __name__ == "__main__":
    main()
