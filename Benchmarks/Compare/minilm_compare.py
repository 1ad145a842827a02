"""PyTorch side of minilm_compare.sh: prepares the inputs and times sentence-transformers.

    python minilm_compare.py prepare MODEL_DIR MOVIES_CSV OUT_DIR
        writes OUT_DIR/titles.txt (the title column, one per line) and OUT_DIR/long.txt
        (256 texts of about 200 tokens each, built from consecutive titles)
    python minilm_compare.py torch MODEL_DIR TEXTS_FILE SWIFT_NPY REPEATS
        times SentenceTransformer.encode (CPU, 2 threads, batch 64) on the texts, best of
        REPEATS, and compares its embeddings with the Swift ones; prints one JSON line
"""
import csv
import json
import sys
import time


def prepare(model_dir, movies_csv, out_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    with open(movies_csv, encoding="utf-8") as handle:
        titles = [row["title"].replace("\n", " ") for row in csv.DictReader(handle)]
    with open(f"{out_dir}/titles.txt", "w", encoding="utf-8") as handle:
        handle.writelines(title + "\n" for title in titles)
    texts, start = [], 0
    for _ in range(256):
        parts = []
        while True:
            parts.append(titles[start % len(titles)])
            start += 1
            if len(tokenizer(". ".join(parts))["input_ids"]) >= 200:
                break
        texts.append(". ".join(parts))
    with open(f"{out_dir}/long.txt", "w", encoding="utf-8") as handle:
        handle.writelines(text + "\n" for text in texts)
    lengths = [len(tokenizer(text)["input_ids"]) for text in texts]
    print(json.dumps({"titles": len(titles), "long_texts": len(texts),
                      "long_tokens_min": min(lengths), "long_tokens_max": max(lengths),
                      "long_tokens_mean": sum(lengths) / len(lengths)}))


def time_torch(model_dir, texts_file, swift_npy, repeats):
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    with open(texts_file, encoding="utf-8") as handle:
        texts = handle.read().split("\n")
    if texts and texts[-1] == "":
        texts.pop()
    model = SentenceTransformer(model_dir, device="cpu")
    model.encode(texts[:64], batch_size=64)
    best = best_cpu = float("inf")
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        embeddings = model.encode(texts, batch_size=64, convert_to_numpy=True, show_progress_bar=False)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
    swift = np.load(swift_npy)
    difference = float(np.abs(swift.astype(np.float64) - embeddings.astype(np.float64)).max())
    cosine = float((swift.astype(np.float64) * embeddings.astype(np.float64)).sum(axis=1).min())
    print(json.dumps({"texts": len(texts), "threads": torch.get_num_threads(), "seconds": best,
                      "texts_per_second": len(texts) / best, "cpu_seconds": best_cpu,
                      "texts_per_cpu_second": len(texts) / best_cpu, "torch": torch.__version__,
                      "max_abs_diff_vs_swift": difference, "min_cosine_vs_swift": cosine}))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(*sys.argv[2:5])
    elif sys.argv[1] == "torch":
        time_torch(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(__doc__)
