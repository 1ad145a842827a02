"""The pandas + implicit side of scale_compare.py, as a new user would write it: read the
interactions CSV, build the CSR matrix, fit implicit ALS, recommend each user's top K
(training items filtered out), write user,item,rank,score. Prints the seconds of each
phase as JSON on standard error.

    python scale_implicit.py TRAIN.csv OUTPUT.csv ITERATIONS K
"""
import json, sys, time
start = time.perf_counter()
import numpy as np, pandas as pd, scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares

train, output, iterations, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
phases, mark, cpu = {"import": time.perf_counter() - start}, time.perf_counter(), time.process_time()
def lap(name):  # wall seconds as name, processor seconds (all threads) as name_cpu
    global mark, cpu
    phases[name], phases[name + "_cpu"] = time.perf_counter() - mark, time.process_time() - cpu
    mark, cpu = time.perf_counter(), time.process_time()
frame = pd.read_csv(train)
lap("read")
users, user_ids = pd.factorize(frame["user"])
items, item_ids = pd.factorize(frame["item"])
matrix = sp.csr_matrix((np.ones(len(frame), dtype=np.float32), (users, items)), shape=(len(user_ids), len(item_ids)))
del frame
lap("csr")
model = AlternatingLeastSquares(factors=64, regularization=0.05, alpha=40.0, iterations=iterations, use_cg=True,
                                calculate_training_loss=False, random_state=42, dtype=np.float32)
model.fit(matrix, show_progress=False)
lap("fit")
ids, scores = model.recommend(np.arange(len(user_ids)), matrix, N=k, filter_already_liked_items=True)
lap("rank")
pd.DataFrame({"user": np.repeat(user_ids, k), "item": item_ids[ids.ravel()], "rank": np.tile(np.arange(1, k + 1), len(user_ids)),
              "score": scores.ravel()}).to_csv(output, index=False)
lap("write")
print(json.dumps(phases), file=sys.stderr)
