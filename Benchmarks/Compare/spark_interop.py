"""FusionRec ⇄ Spark MLlib ALS: train, convert and check (issue 16 part 4).

Run with the venv of Benchmarks/Compare (pip install pyspark pyarrow numpy; Java 17):

  spark_interop.py train TRAIN.csv SPARK_MODEL [--rank 64 --iterations 15 --reg 0.05 --alpha 5]
      Spark ALS (implicit, local mode) on a MovieLens-layout CSV (userId,movieId,rating,…),
      saved with ALSModel.save: metadata/, userFactors/, itemFactors/ (Parquet: id, features).
  spark_interop.py from-spark SPARK_MODEL FACTORS_DIR
      Reads the Parquet factors with pyarrow and writes the layout `fusionrec export` writes
      and `fusionrec import --from` reads: user-factors.npy, item-factors.npy (float32),
      user-ids.json, item-ids.json.
  spark_interop.py to-spark FACTORS_DIR SPARK_MODEL
      The reverse: `fusionrec export` output (ids must be integers, as Spark's are) written as
      an ALSModel directory (Parquet factors via pyarrow and the metadata JSON).
  spark_interop.py check-top10 SPARK_MODEL TRAIN.csv FUSIONREC_TOP10.csv
      Loads SPARK_MODEL with ALSModel.load, takes each user's top 10 of recommendForAllUsers
      after removing the user's training items (as `fusionrec recommend` does), and compares
      them with `fusionrec recommend`'s lists. Exits 1 unless every list is identical, or
      differs only where scores tie to float32 precision.
"""

import csv
import json
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def spark_session():
    from pyspark.sql import SparkSession

    return (SparkSession.builder.master("local[2]").appName("fusionrec-interop")
            .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.sql.shuffle.partitions", "4")
            .config("spark.driver.memory", "2g").getOrCreate())


def spark_version():
    import pyspark

    return pyspark.__version__


def read_interactions(path):
    users, items = [], []
    with open(path, newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        u = header.index("userId") if "userId" in header else 0
        i = header.index("movieId") if "movieId" in header else 1
        for row in reader:
            users.append(int(row[u]))
            items.append(int(row[i]))
    return users, items


def train(train_csv, model_dir, rank=64, iterations=15, reg=0.05, alpha=5.0):
    from pyspark.ml.recommendation import ALS

    spark = spark_session()
    users, items = read_interactions(train_csv)
    frame = spark.createDataFrame(list(zip(users, items, [1.0] * len(users))), ["user", "item", "rating"])
    start = time.time()
    als = ALS(rank=rank, maxIter=iterations, regParam=reg, alpha=alpha, implicitPrefs=True, seed=42,
              userCol="user", itemCol="item", ratingCol="rating", coldStartStrategy="nan")
    model = als.fit(frame)
    fit_seconds = time.time() - start
    model.write().overwrite().save(model_dir)
    print(json.dumps({"spark_fit_seconds": round(fit_seconds, 2), "rank": rank, "iterations": iterations,
                      "reg": reg, "alpha": alpha, "interactions": len(users), "spark": spark.version}))
    spark.stop()


def from_spark(model_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for side in ("user", "item"):
        table = pq.read_table(os.path.join(model_dir, f"{side}Factors"))
        order = np.argsort(table.column("id").to_numpy(), kind="stable")
        ids = table.column("id").to_numpy()[order]
        features = np.array(table.column("features").to_pylist(), dtype=np.float32)[order]
        np.save(os.path.join(out_dir, f"{side}-factors.npy"), features)
        with open(os.path.join(out_dir, f"{side}-ids.json"), "w") as file:
            json.dump([str(int(i)) for i in ids], file)
        print(f"{side}s: {len(ids)} × {features.shape[1]}", file=sys.stderr)


def to_spark(factors_dir, model_dir):
    rank = None
    for side in ("user", "item"):
        features = np.load(os.path.join(factors_dir, f"{side}-factors.npy")).astype(np.float32)
        with open(os.path.join(factors_dir, f"{side}-ids.json")) as file:
            ids = json.load(file)
        try:
            numeric = np.array([int(i) for i in ids], dtype=np.int32)
        except ValueError:
            sys.exit(f"{side}-ids.json: Spark ALS needs integer ids, found {next(i for i in ids if not i.lstrip('-').isdigit())!r}")
        rank = features.shape[1]
        schema = pa.schema([pa.field("id", pa.int32(), nullable=False),
                            pa.field("features", pa.list_(pa.field("element", pa.float32(), nullable=False)))])
        table = pa.table({"id": numeric, "features": pa.array(list(features), type=schema.field("features").type)},
                         schema=schema)
        folder = os.path.join(model_dir, f"{side}Factors")
        os.makedirs(folder, exist_ok=True)
        pq.write_table(table, os.path.join(folder, "part-00000.snappy.parquet"), compression="snappy")
        open(os.path.join(folder, "_SUCCESS"), "w").close()
    params = {"userCol": "user", "itemCol": "item", "predictionCol": "prediction", "coldStartStrategy": "nan",
              "blockSize": 4096}
    metadata = {"class": "org.apache.spark.ml.recommendation.ALSModel", "timestamp": int(time.time() * 1000),
                "sparkVersion": spark_version(), "uid": "ALS_fusionrec", "paramMap": params, "defaultParamMap": params,
                "rank": rank}
    folder = os.path.join(model_dir, "metadata")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "part-00000"), "w") as file:
        file.write(json.dumps(metadata, separators=(",", ":")) + "\n")
    open(os.path.join(folder, "_SUCCESS"), "w").close()
    print(f"wrote {model_dir}: rank {rank}", file=sys.stderr)


def check_top10(model_dir, train_csv, fusionrec_csv):
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql import functions as F

    spark = spark_session()
    model = ALSModel.load(model_dir)
    users, items = read_interactions(train_csv)
    seen = {}
    for u, i in zip(users, items):
        seen.setdefault(u, set()).add(i)
    depth = 10 + max(len(s) for s in seen.values())
    rows = (model.recommendForAllUsers(depth).select("user", F.posexplode("recommendations"))
            .select("user", "pos", "col.item", "col.rating").collect())
    spark_lists, spark_scores = {}, {}
    for row in sorted(rows, key=lambda r: (r.user, r.pos)):
        if row.item in seen.get(row.user, ()):
            continue
        ranked = spark_lists.setdefault(row.user, [])
        if len(ranked) < 10:
            ranked.append(row.item)
            spark_scores[(row.user, row.item)] = row.rating
    ours, our_scores = {}, {}
    with open(fusionrec_csv, newline="") as file:
        for row in csv.DictReader(file):
            ours.setdefault(int(row["user"]), []).append(int(row["item"]))
            our_scores[(int(row["user"]), int(row["item"]))] = float(row["score"])
    identical = sum(1 for u in ours if spark_lists.get(u) == ours[u])
    same_sets = sum(1 for u in ours if set(spark_lists.get(u, [])) == set(ours[u]))
    # A list that differs only by the order or membership of items whose scores tie to
    # float32 precision (Spark scores in float32) is a tie, not a disagreement.
    unexplained = 0
    for u in ours:
        theirs = spark_lists.get(u, [])
        if theirs == ours[u]:
            continue
        tenth = our_scores[(u, ours[u][-1])]
        differing = [i for a, b in zip(theirs, ours[u]) if a != b for i in (a, b)]
        if not all(abs(our_scores.get((u, i), spark_scores.get((u, i), 0)) - tenth) <= 1e-5 * max(1, abs(tenth))
                   or abs(spark_scores.get((u, i), our_scores.get((u, i), 0)) - our_scores.get((u, i), spark_scores.get((u, i), 0))) <= 1e-5
                   for i in differing):
            unexplained += 1
    report = {"users": len(ours), "identical_lists": identical, "same_sets": same_sets,
              "differing_beyond_float32_ties": unexplained, "spark": spark.version}
    print(json.dumps(report))
    spark.stop()
    sys.exit(0 if unexplained == 0 else 1)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "train":
        options = dict(zip(args[2::2], args[3::2]))
        train(args[0], args[1], rank=int(options.get("--rank", 64)), iterations=int(options.get("--iterations", 15)),
              reg=float(options.get("--reg", 0.05)), alpha=float(options.get("--alpha", 5)))
    elif command == "from-spark":
        from_spark(*args)
    elif command == "to-spark":
        to_spark(*args)
    elif command == "check-top10":
        check_top10(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
