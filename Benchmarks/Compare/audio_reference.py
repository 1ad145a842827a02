"""librosa reference for FusionRec's log-mel audio encoder (AudioEmbedding).

Usage:
  audio_reference.py fixtures OUT_DIR
      Writes the test clips (speech from espeak-ng, synthetic tones, sweeps, silence and
      clicks in every WAV encoding the decoder reads) to OUT_DIR/clips and
      OUT_DIR/reference.json: per clip the samples soundfile decodes (first 64, sum, sum
      of squares, count, rate), the 256-dimension embedding (band means then population
      standard deviations of the log-mel spectrogram) and, for one clip, every log-mel
      value.
  audio_reference.py throughput SECONDS CLIPS REPEATS
      Clips per second of librosa.feature.melspectrogram + power_to_db + mean/std on
      CLIPS synthetic clips of SECONDS seconds at 22,050 Hz (the median of REPEATS rounds).

The features are exactly
  S = librosa.feature.melspectrogram(y=y, sr=22050, n_fft=2048, hop_length=512,
                                     n_mels=128, power=2.0)   # center, constant padding,
                                                              # Hann, Slaney mel + norm
  D = librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0)
  embedding = concat(D.mean(axis=1), D.std(axis=1))
on y = librosa.load(path, sr=22050, mono=True)[0] (soxr_hq resampling for clips at other
rates, which FusionRec does with its own windowed-sinc resampler).
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

SR = 22050
N_FFT, HOP, N_MELS, AMIN, TOP_DB = 2048, 512, 128, 1e-10, 80.0


def log_mel(y, sr=SR):
    S = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, power=2.0)
    return librosa.power_to_db(S, ref=1.0, amin=AMIN, top_db=TOP_DB)


def embedding(y):
    D = log_mel(y)
    return np.concatenate([D.mean(axis=1), D.std(axis=1)])


def espeak(text, path):
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", path, text], check=True)
    y, sr = sf.read(path, dtype="float32")
    return y, sr


def clips(tmp):
    """(file, description, samples (frames × channels or frames), rate, soundfile format, subtype)."""
    rng = np.random.default_rng(17)
    t = lambda seconds, sr=SR: np.arange(int(seconds * sr)) / sr
    out = []
    speech, sr = espeak("The quick brown fox jumps over the lazy dog.", os.path.join(tmp, "a.wav"))
    assert sr == SR, sr
    out.append(("speech-22050-pcm16.wav", "espeak-ng speech, 22.05 kHz 16-bit", speech, SR, "WAV", "PCM_16"))
    speech2, sr = espeak("Recommendations for cold items come from their sound.", os.path.join(tmp, "b.wav"))
    speech16 = librosa.resample(speech2, orig_sr=sr, target_sr=16000, res_type="soxr_hq")
    out.append(("speech-16000-pcm16.wav", "espeak-ng speech resampled to 16 kHz, 16-bit", speech16, 16000, "WAV", "PCM_16"))
    x = t(1.0)
    sweep = 0.5 * np.sin(2 * np.pi * 100 * (80 ** x - 1) / np.log(80)).astype(np.float32)
    out.append(("sweep-pcm16.wav", "1 s exponential sine sweep 100 Hz–8 kHz", sweep, SR, "WAV", "PCM_16"))
    out.append(("silence-pcm16.wav", "0.5 s of digital silence", np.zeros(int(0.5 * SR), np.float32), SR, "WAV", "PCM_16"))
    clicks = np.zeros(int(0.5 * SR), np.float32)
    clicks[:: int(0.1 * SR)] = 0.9
    out.append(("clicks-float32.wav", "impulses every 0.1 s, 32-bit float", clicks, SR, "WAV", "FLOAT"))
    x = t(0.3)
    tone = (0.4 * np.sin(2 * np.pi * 440 * x) + 0.2 * np.sin(2 * np.pi * 1320 * x)).astype(np.float32)
    out.append(("tone-pcmu8.wav", "440 + 1320 Hz, 8-bit unsigned", tone, SR, "WAV", "PCM_U8"))
    out.append(("tone-pcm24.wav", "440 + 1320 Hz, 24-bit", tone, SR, "WAV", "PCM_24"))
    out.append(("tone-pcm32.wav", "440 + 1320 Hz, 32-bit integer", tone, SR, "WAV", "PCM_32"))
    noisy = (tone + 0.05 * rng.standard_normal(tone.shape)).astype(np.float64)
    out.append(("noisy-tone-float64.wav", "tone plus white noise, 64-bit float", noisy, SR, "WAV", "DOUBLE"))
    x = t(0.4)
    stereo = np.stack([0.5 * np.sin(2 * np.pi * 330 * x), 0.3 * np.sin(2 * np.pi * 2200 * x)], axis=1).astype(np.float32)
    out.append(("stereo-pcm16.wav", "stereo, 330 Hz left and 2.2 kHz right, 16-bit", stereo, SR, "WAV", "PCM_16"))
    out.append(("stereo-extensible-pcm24.wav", "the stereo clip as WAVE_FORMAT_EXTENSIBLE 24-bit", stereo, SR, "WAVEX", "PCM_24"))
    short = (0.3 * rng.standard_normal(300)).astype(np.float32)
    out.append(("short-float32.wav", "300 samples of noise (shorter than one FFT)", short, SR, "WAV", "FLOAT"))
    return out


def fixtures(out_dir):
    os.makedirs(os.path.join(out_dir, "clips"), exist_ok=True)
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        for file, description, samples, rate, container, subtype in clips(tmp):
            path = os.path.join(out_dir, "clips", file)
            sf.write(path, samples, rate, format=container, subtype=subtype)
            decoded, decoded_rate = librosa.load(path, sr=None, mono=True)
            y, _ = librosa.load(path, sr=SR, mono=True)
            entry = {
                "file": file, "description": description, "sample_rate": int(decoded_rate),
                "frame_count": int(decoded.shape[0]), "first_samples": decoded[:64].tolist(),
                "sample_sum": float(decoded.astype(np.float64).sum()),
                "sample_square_sum": float((decoded.astype(np.float64) ** 2).sum()),
                "resampled": bool(decoded_rate != SR), "embedding": embedding(y).tolist(),
            }
            if file == "sweep-pcm16.wav":
                entry["log_mel"] = log_mel(y).T.tolist()
            entries.append(entry)
    reference = {
        "librosa": librosa.__version__, "numpy": np.__version__, "soundfile": sf.__version__,
        "settings": {"sr": SR, "n_fft": N_FFT, "hop_length": HOP, "n_mels": N_MELS, "amin": AMIN, "top_db": TOP_DB},
        "clips": entries,
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(reference, f)


def throughput(seconds, count, repeats):
    rng = np.random.default_rng(3)
    ys = [(0.1 * rng.standard_normal(int(seconds * SR))).astype(np.float32) for _ in range(count)]
    for y in ys[:2]:
        embedding(y)
    rounds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for y in ys:
            embedding(y)
        rounds.append(count / (time.perf_counter() - start))
    print(json.dumps({"clips_per_second": float(np.median(rounds)), "rounds": rounds, "seconds": seconds,
                      "clips": count, "librosa": librosa.__version__}))


if __name__ == "__main__":
    if sys.argv[1] == "fixtures":
        fixtures(sys.argv[2])
    elif sys.argv[1] == "throughput":
        throughput(float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(__doc__)
