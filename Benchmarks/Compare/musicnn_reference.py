"""NumPy reference for FusionRec's musicnn encoder (AudioEmbedding.MusicnnEncoder).

Usage:
  musicnn_reference.py fixtures MODEL.safetensors OUT_DIR
      Writes the test clips (espeak-ng speech and synthetic tones, 16-bit WAV at 16 kHz,
      one at 22,050 Hz) to OUT_DIR/clips and OUT_DIR/reference.json: per clip the patch
      count, the mean over patches of the 200 penultimate features and of the 50 tag
      probabilities, the first patch's penultimate features, and for one clip the first
      64 frames of its network input (log-compressed mel values).
  musicnn_reference.py tensorflow CHECKPOINT_PREFIX MODEL.safetensors MUSICNN_DIR CLIP...
      Needs TensorFlow (a throwaway venv): checks the converted file against
      TensorFlow's own checkpoint reader tensor by tensor, then runs musicnn's own graph
      (MUSICNN_DIR/models.py, `build_musicnn`, restored from the checkpoint) on the
      patches of each clip and prints the largest difference of this NumPy forward pass
      from it at every layer extractor.py exposes.
  musicnn_reference.py throughput MODEL.safetensors SECONDS CLIPS REPEATS
      Clips per second of the whole NumPy pipeline (frontend, network, summary) on CLIPS
      synthetic clips of SECONDS seconds at 16 kHz (the median of REPEATS rounds); run it
      with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set to the thread count to compare.
  musicnn_reference.py tensorflow-throughput CHECKPOINT_PREFIX MUSICNN_DIR THREADS SECONDS CLIPS REPEATS
      The same with musicnn's own TensorFlow graph for the network (all patches of a clip
      in one session run; intra-op threads THREADS, inter-op 1).

The pipeline is musicnn 0.1.0's (extractor.py `batch_data` and `extractor`, models.py
`build_musicnn` with num_filt_midend=64, num_units_backend=200), written in NumPy from
that source:
  y = librosa.load(path, sr=16000)                    # soxr_hq for other rates
  S = librosa.feature.melspectrogram(y=y, sr=16000, hop_length=256, n_fft=512, n_mels=96).T
  X = log10(10000 · S.astype(float16) + 1)            # in float16 arithmetic, as musicnn
  patches: X[t : t + 187] for t = 0, 187, 374, … while t + 187 ≤ frames (no overlap)
  embedding = mean over patches of `penultimate`; tags = mean over patches of sigmoid(logits)
One deliberate difference: where 10000 · S overflows float16 (S > 6.55, common for loud
audio), musicnn's input becomes infinite and its outputs NaN; here that product is taken
in float32 instead, as FusionRec does (Docs/AudioEmbedding.md).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import librosa
import numpy as np
import soundfile as sf
from numpy.lib.stride_tricks import sliding_window_view

SR, N_FFT, HOP, N_MELS, N_FRAMES = 16000, 512, 256, 96, 187
EPSILON = 1e-3  # tf.compat.v1.layers.batch_normalization's default


def load_safetensors(path):
    with open(path, "rb") as f:
        size = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(size))
        data = f.read()
    header.pop("__metadata__", None)
    return {
        name: np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
        for name, entry in header.items()
        for start, end in [entry["data_offsets"]]
    }


def network_input(y):
    """musicnn's log-compressed mel patches input, frames × 96, as float32 (values are float16)."""
    S = librosa.feature.melspectrogram(y=y, sr=SR, hop_length=HOP, n_fft=N_FFT, n_mels=N_MELS).T
    v = S.astype(np.float16)
    with np.errstate(over="ignore"):
        scaled = 10000 * v
        X = np.log10(scaled + 1)
    overflow = ~np.isfinite(scaled)
    wide = np.where(np.isinf(v), S, v.astype(np.float32))  # S ≥ 65520 overflows even the cast
    X[overflow] = np.log10(10000 * wide[overflow] + 1).astype(np.float16)
    return X.astype(np.float32)


def patches(X):
    return [X[t : t + N_FRAMES] for t in range(0, X.shape[0] - N_FRAMES + 1, N_FRAMES)]


class Musicnn:
    def __init__(self, weights):
        self.w = weights

    def bn(self, x, name):
        w = self.w
        scale = w[name + "/gamma"] / np.sqrt(w[name + "/moving_variance"] + EPSILON)
        return (x - w[name + "/moving_mean"]) * scale + w[name + "/beta"]

    def timbral(self, padded, conv, norm):
        kernel, bias = self.w[conv + "/kernel"], self.w[conv + "/bias"]
        kt, kf, _, outputs = kernel.shape
        windows = sliding_window_view(padded, (kt, kf))  # time × positions × kt × kf
        t, positions = windows.shape[:2]
        out = windows.reshape(t * positions, kt * kf) @ kernel.reshape(kt * kf, outputs) + bias
        out = self.bn(np.maximum(out, 0), norm).reshape(t, positions, outputs)
        return out.max(axis=1)

    def temporal(self, x, conv, norm):
        kernel, bias = self.w[conv + "/kernel"], self.w[conv + "/bias"]
        kt, outputs = kernel.shape[0], kernel.shape[3]
        before = (kt - 1) // 2  # TensorFlow's "same": the odd extra row goes after
        padded = np.pad(x, ((before, kt - 1 - before), (0, 0)))
        windows = sliding_window_view(padded, kt, axis=0)  # time × bands × kt
        out = windows @ kernel.reshape(kt, outputs) + bias
        return self.bn(np.maximum(out, 0), norm).max(axis=1)

    def conv1d(self, x, conv, norm):
        kernel, bias = self.w[conv + "/kernel"], self.w[conv + "/bias"]
        kt, channels, _, outputs = kernel.shape
        padded = np.pad(x, ((3, 3), (0, 0)))
        windows = sliding_window_view(padded, kt, axis=0).transpose(0, 2, 1)  # time × kt × channels
        out = windows.reshape(x.shape[0], kt * channels) @ kernel.reshape(kt * channels, outputs) + bias
        return self.bn(np.maximum(out, 0), norm)

    def forward(self, patch):
        """Every layer extractor.py exposes, for one 187 × 96 patch, as float32 arrays."""
        w = self.w
        x = self.bn(patch, "batch_normalization")
        padded = np.pad(x, ((3, 3), (0, 0)))
        f74 = self.timbral(padded, "conv2d", "batch_normalization_1")
        f77 = self.timbral(padded, "conv2d_1", "batch_normalization_2")
        s1 = self.temporal(x, "conv2d_2", "batch_normalization_3")
        s2 = self.temporal(x, "conv2d_3", "batch_normalization_4")
        s3 = self.temporal(x, "conv2d_4", "batch_normalization_5")
        front = np.concatenate([f74, f77, s1, s2, s3], axis=1)
        cnn1 = self.conv1d(front, "conv2d_5", "batch_normalization_6")
        cnn2 = self.conv1d(cnn1, "conv2d_6", "batch_normalization_7") + cnn1
        cnn3 = self.conv1d(cnn2, "conv2d_7", "batch_normalization_8") + cnn2
        mid = np.concatenate([front, cnn1, cnn2, cnn3], axis=1)
        max_pool, mean_pool = mid.max(axis=0), mid.mean(axis=0)
        # concat([max, mean], axis=2) of 753 × 1 maps, flattened: max and mean interleaved.
        flat = self.bn(np.stack([max_pool, mean_pool], axis=1).reshape(-1), "batch_normalization_9")
        dense = np.maximum(flat @ w["dense/kernel"] + w["dense/bias"], 0)
        penultimate = self.bn(dense, "batch_normalization_10")
        logits = penultimate @ w["dense_1/kernel"] + w["dense_1/bias"]
        return {
            "timbral": np.concatenate([f74, f77], axis=1), "temporal": np.concatenate([s1, s2, s3], axis=1),
            "cnn1": cnn1, "cnn2": cnn2, "cnn3": cnn3, "mean_pool": mean_pool, "max_pool": max_pool,
            "penultimate": penultimate, "taggram": 1 / (1 + np.exp(-logits)),
        }


def summary(model, y):
    outputs = [model.forward(p) for p in patches(network_input(y))]
    return outputs, np.mean([o["penultimate"] for o in outputs], axis=0), np.mean([o["taggram"] for o in outputs], axis=0)


def espeak(text, path):
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", path, text], check=True)
    y, sr = sf.read(path, dtype="float32")
    return y, sr


def clips(tmp):
    """(file, description, samples, rate)."""
    rng = np.random.default_rng(17)
    t = lambda seconds, sr=SR: np.arange(int(seconds * sr)) / sr
    speech, sr = espeak(
        "Music recommendation starts from sound. A cold item has no listeners yet, "
        "so its audio is all the model can hear.", os.path.join(tmp, "a.wav"))
    speech16 = librosa.resample(speech, orig_sr=sr, target_sr=SR, res_type="soxr_hq")
    out = [("speech-16k.wav", "espeak-ng speech, 6 s at 16 kHz, two patches", speech16[: 6 * SR], SR)]
    x = t(3.2)
    chord = sum(0.08 * np.sin(2 * np.pi * f * x) for f in (220, 277.18, 329.63)) * (1 + 0.5 * np.sin(2 * np.pi * 2 * x))
    out.append(("chord-16k.wav", "A major triad with 2 Hz tremolo, 3.2 s", chord, SR))
    x = t(6.0)
    beat = np.zeros_like(x)
    for start in range(0, len(x), SR // 2):
        n = np.arange(min(2000, len(x) - start))
        beat[start : start + len(n)] += 0.6 * np.sin(2 * np.pi * 60 * n / SR) * np.exp(-n / 400)
    beat += 0.02 * rng.standard_normal(len(x))
    out.append(("beat-16k.wav", "60 Hz kick every 0.5 s over noise, 6 s, two patches", beat, SR))
    x = t(3.2)
    sweep = 0.3 * np.sin(2 * np.pi * 50 * (120 ** (x / 3.2) - 1) * 3.2 / np.log(120))
    out.append(("sweep-16k.wav", "3.2 s exponential sweep 50 Hz–6 kHz, one patch", sweep, SR))
    x = t(3.5, 22050)
    tone = 0.05 * np.sin(2 * np.pi * 440 * x) + 0.03 * np.sin(2 * np.pi * 1760 * x)
    out.append(("tone-22050.wav", "440 + 1760 Hz at 22,050 Hz (resampled to 16 kHz)", tone, 22050))
    return [(f, d, np.asarray(s, np.float32), r) for f, d, s, r in out]


def fixtures(model_path, out_dir):
    model = Musicnn(load_safetensors(model_path))
    os.makedirs(os.path.join(out_dir, "clips"), exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for file, description, samples, rate in clips(tmp):
            path = os.path.join(out_dir, "clips", file)
            sf.write(path, samples, rate, subtype="PCM_16")
            y, _ = librosa.load(path, sr=SR)
            X = network_input(y)
            outputs, embedding, tags = summary(model, y)
            entry = {
                "file": file, "description": description, "sample_rate": rate, "frame_count": len(samples),
                "patch_count": len(outputs), "resampled": rate != SR,
                "overflowing_inputs": int(np.isinf(10000 * librosa.feature.melspectrogram(
                    y=y, sr=SR, hop_length=HOP, n_fft=N_FFT, n_mels=N_MELS).astype(np.float16)).sum()),
                "embedding": embedding.tolist(), "tags": tags.tolist(),
                "first_patch_penultimate": outputs[0]["penultimate"].tolist(),
            }
            if file == "speech-16k.wav":
                entry["first_frames_input"] = X[:64].tolist()
            entries.append(entry)
    reference = {
        "librosa": librosa.__version__, "numpy": np.__version__, "soundfile": sf.__version__,
        "model": {"safetensors_sha256": _sha256(model_path)},
        "clips": entries,
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference, f)


def _sha256(path):
    import hashlib

    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tensorflow_check(prefix, model_path, musicnn_dir, clip_paths):
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf

    weights = load_safetensors(model_path)
    reader = tf.compat.v1.train.NewCheckpointReader(prefix)  # the prefix, not the directory: its `checkpoint` file names the author's path
    names = [n for n in reader.get_variable_to_shape_map() if not n.endswith(("/Adam", "/Adam_1"))]
    names = [n for n in names if n not in ("beta1_power", "beta2_power", "global_step")]
    assert sorted(names) == sorted(weights), (sorted(set(names) ^ set(weights)))
    for name in names:
        if not np.array_equal(reader.get_tensor(name), weights[name]):
            sys.exit(f"{name}: the converted tensor differs from TensorFlow's reader")
    print(f"reader: {len(names)} tensors bit-identical to tf.compat.v1.train.NewCheckpointReader (TensorFlow {tf.__version__})")

    sys.path.insert(0, os.path.dirname(os.path.abspath(musicnn_dir)))
    from musicnn import models

    tf.compat.v1.disable_eager_execution()
    tf.compat.v1.reset_default_graph()
    with tf.name_scope("model"):
        x = tf.compat.v1.placeholder(tf.float32, [None, N_FRAMES, N_MELS])
        is_training = tf.compat.v1.placeholder(tf.bool)
        y, timbral, temporal, cnn1, cnn2, cnn3, mean_pool, max_pool, penultimate = models.define_model(
            x, is_training, "MSD_musicnn", 50)
        probabilities = tf.nn.sigmoid(y)
    session = tf.compat.v1.Session()
    tf.compat.v1.train.Saver().restore(session, prefix)
    layers = dict(timbral=timbral, temporal=temporal, cnn1=cnn1, cnn2=cnn2, cnn3=cnn3,
                  mean_pool=mean_pool, max_pool=max_pool, penultimate=penultimate, taggram=probabilities)
    model = Musicnn(weights)
    for path in clip_paths:
        audio, _ = librosa.load(path, sr=SR)
        batch = np.stack(patches(network_input(audio)))
        values = session.run(list(layers.values()), feed_dict={x: batch, is_training: False})
        worst = {}
        for index in range(len(batch)):
            mine = model.forward(batch[index])
            for (name, _), theirs in zip(layers.items(), values):
                difference = float(np.max(np.abs(np.squeeze(theirs[index]) - mine[name])))
                scale = float(np.max(np.abs(theirs[index])))
                worst[name] = max(worst.get(name, (0, 0)), (difference, scale))
        text = ", ".join(f"{name} {d:.2e} (of {s:.3g})" for name, (d, s) in worst.items())
        print(f"{os.path.basename(path)}: {len(batch)} patches; max |TF − NumPy|: {text}")
        S = librosa.feature.melspectrogram(y=audio, sr=SR, hop_length=HOP, n_fft=N_FFT, n_mels=N_MELS).T
        with np.errstate(over="ignore"):
            exact = np.log10(10000 * S.astype(np.float16) + 1)  # extractor.py's own line
        exact_batch = np.stack(patches(exact.astype(np.float32)))
        exact_penultimate = session.run(penultimate, feed_dict={x: exact_batch, is_training: False})
        print(f"  musicnn's own input: {int(np.isinf(exact).sum())} infinite values; "
              f"{int((~np.isfinite(exact_penultimate)).sum())} of {exact_penultimate.size} penultimate values not finite")


def _timed(name, embed, seconds, count, repeats):
    rng = np.random.default_rng(3)
    ys = [(0.05 * rng.standard_normal(int(seconds * SR))).astype(np.float32) for _ in range(count)]
    embed(ys[0])
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for y in ys:
            embed(y)
        rates.append(count / (time.perf_counter() - start))
    print(f"{name}: {np.median(rates):.3f} clips/s (median of {repeats}; {seconds} s clips; rounds "
          + ", ".join(f"{r:.3f}" for r in rates) + ")")


def throughput(model_path, seconds, count, repeats):
    model = Musicnn(load_safetensors(model_path))
    _timed("numpy", lambda y: summary(model, y), seconds, count, repeats)


def tensorflow_throughput(prefix, musicnn_dir, threads, seconds, count, repeats):
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tensorflow as tf

    sys.path.insert(0, os.path.dirname(os.path.abspath(musicnn_dir)))
    from musicnn import models

    tf.compat.v1.disable_eager_execution()
    x = tf.compat.v1.placeholder(tf.float32, [None, N_FRAMES, N_MELS])
    is_training = tf.compat.v1.placeholder(tf.bool)
    outputs = models.define_model(x, is_training, "MSD_musicnn", 50)
    penultimate, probabilities = outputs[8], tf.nn.sigmoid(outputs[0])
    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1)
    session = tf.compat.v1.Session(config=config)
    tf.compat.v1.train.Saver().restore(session, prefix)

    def embed(y):
        batch = np.stack(patches(network_input(y)))
        features, tags = session.run([penultimate, probabilities], feed_dict={x: batch, is_training: False})
        return features.mean(axis=0), tags.mean(axis=0)

    _timed(f"tensorflow {tf.__version__}", embed, seconds, count, repeats)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "fixtures" and len(sys.argv) == 4:
        fixtures(sys.argv[2], sys.argv[3])
    elif command == "tensorflow" and len(sys.argv) >= 6:
        tensorflow_check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif command == "tensorflow-throughput" and len(sys.argv) == 8:
        tensorflow_throughput(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6]),
                              int(sys.argv[7]))
    elif command == "throughput" and len(sys.argv) == 6:
        throughput(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sys.exit(__doc__.split("\n\n")[1])
