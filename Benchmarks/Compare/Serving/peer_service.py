"""The service a Python team would write instead of Examples/MovieService: FastAPI +
uvicorn + numpy over the same factors (exported from the same model file with
`fusionrec export --dtype float32`), the same endpoints and JSON shapes for the paths the
load test calls, and the same semantics: top-K leaves out the user's history, similar
items are cosine over item factors, recorded interactions re-fold the user exactly
(implicit ALS row update with the model's alpha and lambda, VᵀV + λI precomputed).

    PEER_MODEL_DIR=.data/export PEER_RATINGS=ratings.csv PEER_ALPHA=40 PEER_LAMBDA=0.05 \
        .venv/bin/uvicorn peer_service:app --port 8081 --workers 2

With several workers each process holds its own copy, so a recorded interaction is seen
only by the worker that received it: the usual price of scaling CPython with processes.

The endpoints are `async def`: FastAPI runs a plain `def` endpoint on a thread pool, and
with that hand-off per request this service answered 1,880–1,950 requests a second at
ml-small (reads only, two workers) against 3,010–3,120 with `async def` (Docs/Serving.md).
The numpy work is short, so blocking the event loop for it costs less than the hand-off.
"""
import csv
import json
import os
import threading

import numpy as np
from fastapi import FastAPI, HTTPException
from fastapi.responses import ORJSONResponse
from pydantic import BaseModel

directory = os.environ["PEER_MODEL_DIR"]
user_factors = np.load(os.path.join(directory, "user-factors.npy")).astype(np.float32)
item_factors = np.ascontiguousarray(np.load(os.path.join(directory, "item-factors.npy")).astype(np.float32))
user_ids = [int(x) for x in json.load(open(os.path.join(directory, "user-ids.json")))]
item_ids = np.array([int(x) for x in json.load(open(os.path.join(directory, "item-ids.json")))])
user_index = {u: i for i, u in enumerate(user_ids)}
item_index = {int(x): i for i, x in enumerate(item_ids)}
alpha = float(os.environ.get("PEER_ALPHA", "40"))
regularization = float(os.environ.get("PEER_LAMBDA", "0.05"))
k = item_factors.shape[1]
gram = (item_factors.T.astype(np.float64) @ item_factors.astype(np.float64)) + regularization * np.eye(k)
norms = np.linalg.norm(item_factors, axis=1)
normalized = item_factors / np.where(norms > 0, norms, 1)[:, None]

histories: dict[int, list[int]] = {}
with open(os.environ["PEER_RATINGS"], newline="") as handle:
    reader = csv.DictReader(handle)
    user_column = "userId" if "userId" in reader.fieldnames else reader.fieldnames[0]
    item_column = "movieId" if "movieId" in reader.fieldnames else reader.fieldnames[1]
    for row in reader:
        u, i = user_index.get(int(row[user_column])), item_index.get(int(row[item_column]))
        if u is not None and i is not None:
            histories.setdefault(u, []).append(i)
lock = threading.Lock()
app = FastAPI(default_response_class=ORJSONResponse)


def top(scores: np.ndarray, count: int, excluded) -> list[tuple[int, float]]:
    scores = scores.copy()
    if excluded:
        scores[list(excluded)] = -np.inf
    count = min(count, len(scores))
    candidates = np.argpartition(-scores, count - 1)[:count]
    order = np.lexsort((candidates, -scores[candidates]))
    return [(int(candidates[j]), float(scores[candidates[j]])) for j in order if np.isfinite(scores[candidates[j]])]


@app.get("/health")
async def health():
    return {"status": "ok", "users": len(user_ids), "items": len(item_ids)}


@app.get("/api/users/{user}/recommendations")
async def recommendations(user: int, count: int = 10):
    if not 1 <= count <= 1000:
        raise HTTPException(400, f"count {count} is not from 1 to 1,000")
    u = user_index.get(user)
    if u is None:
        raise HTTPException(404, f"unknown user {user}")
    ranked = top(item_factors @ user_factors[u], count, set(histories.get(u, ())))
    return {"user": user, "items": [{"id": int(item_ids[i]), "score": s} for i, s in ranked]}


@app.get("/api/items/{item}/similar")
async def similar(item: int, count: int = 10):
    i = item_index.get(item)
    if i is None:
        raise HTTPException(404, f"unknown item {item}")
    ranked = top(normalized @ normalized[i], count, {i})
    return {"item": item, "items": [{"id": int(item_ids[j]), "score": s} for j, s in ranked]}


class Interaction(BaseModel):
    user: int
    item: int
    value: float = 1.0


class RecordRequest(BaseModel):
    interactions: list[Interaction]


@app.post("/api/interactions")
async def record(body: RecordRequest):
    global user_factors
    for interaction in body.interactions:
        if interaction.item not in item_index:
            raise HTTPException(404, f"unknown item {interaction.item}")
        if not np.isfinite(interaction.value):
            raise HTTPException(400, "value is not finite")
    with lock:
        for interaction in body.interactions:
            u = user_index.get(interaction.user)
            if u is None:
                u = len(user_ids)
                user_ids.append(interaction.user)
                user_index[interaction.user] = u
                user_factors = np.vstack([user_factors, np.zeros((1, k), np.float32)])
            history = histories.setdefault(u, [])
            history.append(item_index[interaction.item])
            seen = np.array(sorted(set(history)))
            f = item_factors[seen].astype(np.float64)
            matrix = gram + alpha * (f.T @ f)
            user_factors[u] = np.linalg.solve(matrix, (1 + alpha) * f.sum(axis=0)).astype(np.float32)
    return {"recorded": len(body.interactions)}
