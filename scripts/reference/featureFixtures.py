#!/usr/bin/env python3
"""
Writes the golden feature fixtures in test/fixtures/features/ (one JSON per case) from librosa and
tf.signal, for test/unit/featureParity.test.ts. See test/fixtures/features/README.md.

    bash scripts/reference/setup-venv.sh
    .venv-ref/bin/python scripts/reference/featureFixtures.py

The FSDD cases read ../shared/data/fsdd-dev beside the checkout (KWS_SHARED_DATA overrides the
data folder, as in test/support/sharedData.ts); the WAVs are read in place, never copied.
Golden values are computed in float64 with the library's own algorithm (librosa.stft,
librosa.filters.mel, power_to_db, ...; tf.signal ops with float64 tensors) and stored as float32;
each case is also run the library's everyday float32 way and must agree (the summary prints how
closely).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, str(Path(__file__).resolve().parent))
import referenceFeatures as ref  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "test" / "fixtures" / "features"
SHARED_DATA = Path(os.environ.get("KWS_SHARED_DATA", ROOT.parent / "shared" / "data"))
FSDD_DIR = SHARED_DATA / "fsdd-dev"

# Every FeatureSpec key, in FeatureSpec.ts order.
SPEC_KEYS = [
    "type", "sampleRate", "clipDurationMs", "windowMs", "strideMs", "fftSize", "window", "center",
    "preEmphasis", "magnitudePower", "melBins", "lowerHz", "upperHz", "melScale", "melNorm",
    "melTriangles", "log", "logFloor", "topDb", "mfccCount", "dctNorm", "lifter", "deltas", "normalization",
]

# librosa.feature.mfcc's defaults at 8 kHz, 25 ms / 10 ms, FFT 256.
LIBROSA_MFCC_8K = dict(
    type="mfcc", sampleRate=8000, clipDurationMs=1000, windowMs=25, strideMs=10, fftSize=256,
    window="hann", center=True, preEmphasis=0, magnitudePower=2, melBins=40, lowerHz=0, upperHz=4000,
    melScale="slaney", melNorm="slaney", melTriangles="hz", log="db", logFloor=1e-10, topDb=80,
    mfccCount=13, dctNorm="ortho", lifter=0, deltas=0, normalization="none",
)
# tf.signal's usual KWS front end at 8 kHz: magnitude, HTK mel without DC, ln(x + 1e-6).
TF_8K = dict(
    type="log-mel", sampleRate=8000, clipDurationMs=1000, windowMs=30, strideMs=10, fftSize=256,
    window="hann", center=False, preEmphasis=0, magnitudePower=1, melBins=40, lowerHz=20, upperHz=4000,
    melScale="htk", melNorm="none", melTriangles="mel", log="ln", logFloor=1e-6, topDb=None,
    mfccCount=13, dctNorm="tensorflow", lifter=0, deltas=0, normalization="none",
)


def spec(base: dict, **overrides) -> dict:
    out = {**base, **overrides}
    assert list(out) == SPEC_KEYS, f"spec keys differ from FeatureSpec: {sorted(set(out) ^ set(SPEC_KEYS))}"
    return out


# ---- synthetic inputs (float32, stored in the fixture) -------------------------------------------

def sine_1k() -> tuple[str, int, np.ndarray]:
    sr = 16000
    t = np.arange(sr // 2) / sr
    return "1 kHz sine, amplitude 0.5, 0.5 s at 16 kHz (phase 0)", sr, (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)


def chirp() -> tuple[str, int, np.ndarray]:
    sr, seconds, f0, f1 = 16000, 1.0, 100.0, 7000.0
    t = np.arange(int(sr * seconds)) / sr
    phase = 2 * np.pi * (f0 * t + (f1 - f0) / (2 * seconds) * t**2)
    return "linear chirp 100 -> 7000 Hz over 1 s at 16 kHz, amplitude 0.5", sr, (0.5 * np.sin(phase)).astype(np.float32)


def white_noise() -> tuple[str, int, np.ndarray]:
    sr = 16000
    rng = np.random.default_rng(20240611)
    return "white Gaussian noise, std 0.1, 0.5 s at 16 kHz, numpy default_rng(20240611)", sr, (0.1 * rng.standard_normal(sr // 2)).astype(np.float32)


def harmonic() -> tuple[str, int, np.ndarray]:
    """Voice-like: f0 gliding 120 -> 180 Hz, harmonics at 1/k up to 7 kHz, faded in and out, a little
    noise; 0.75 s, so a 600 ms clip cuts it."""
    sr, n = 16000, 12000
    t = np.arange(n) / sr
    f0 = 120 + 60 * t / t[-1]
    phase = 2 * np.pi * np.cumsum(f0) / sr
    x = sum(np.sin(k * phase) / k for k in range(1, int(7000 // 180) + 1))
    envelope = np.sin(np.pi * np.minimum(1, t / 0.1) / 2) ** 2 * np.sin(np.pi * np.minimum(1, (t[-1] - t) / 0.1) / 2) ** 2
    noise = np.random.default_rng(7).standard_normal(n)
    x = 0.3 * x / np.abs(x).max() * envelope + 0.003 * noise
    return ("harmonic tone, f0 gliding 120 -> 180 Hz, harmonics k = 1..38 at 1/k, 0.1 s fades, "
            "plus noise std 0.003 (default_rng(7)); 0.75 s at 16 kHz"), sr, x.astype(np.float32)


SYNTHETIC = {"sine1k": sine_1k, "chirp": chirp, "noise": white_noise, "harmonic": harmonic}


# ---- cases ----------------------------------------------------------------------------------------

def cases() -> list[dict]:
    out: list[dict] = []

    def add(name, reference, case_spec, fsdd=None, synthetic=None, why=""):
        out.append(dict(name=name, reference=reference, spec=case_spec, fsdd=fsdd, synthetic=synthetic, why=why))

    mfcc = spec(LIBROSA_MFCC_8K)
    for file in ("3_jackson_12.wav", "7_george_5.wav", "9_lucas_12.wav"):
        add(f"librosa-mfcc-{file[:-4]}", "librosa", mfcc, fsdd=file,
            why="librosa.feature.mfcc defaults (13 of 40 Slaney mels, dB with top_db 80)" + (", clip cut at 1 s" if file.startswith("9_lucas") else ", zero-padded to 1 s"))

    htk = spec(LIBROSA_MFCC_8K, type="log-mel", lowerHz=20, melScale="htk", melNorm="none")
    add("librosa-logmel-htk-5_nicolas_20", "librosa", spec(htk, topDb=None), fsdd="5_nicolas_20.wav",
        why="power mel, HTK scale, unnormalized triangles, dB without top_db (padding sits at the floor, -100 dB)")
    add("librosa-logmel-htk-1_lucas_33", "librosa", htk, fsdd="1_lucas_33.wav", why="as above with top_db 80; the clip is cut at 1 s")
    add("librosa-mfcc-lifter22-deltas2-8_jackson_3", "librosa", spec(mfcc, lifter=22, deltas=2), fsdd="8_jackson_3.wav",
        why="lifter 22, then [mfcc, delta, delta-delta] (width 9, mode 'interp') per frame")
    add("librosa-spectrogram-db-2_george_40", "librosa", spec(mfcc, type="spectrogram"), fsdd="2_george_40.wav",
        why="power spectrogram (129 bins) in dB, top_db 80")
    add("librosa-mfcc-deltas1-clipnorm-6_nicolas_7", "librosa", spec(mfcc, deltas=1, normalization="clip"), fsdd="6_nicolas_7.wav",
        why="mfcc + delta, then per-feature (x - mean) / max(std, 1e-5) over the clip's frames (population std)")

    tf_logmel_30 = spec(TF_8K)
    tf_logmel_32 = spec(TF_8K, windowMs=32, strideMs=32)
    for file in ("4_george_17.wav", "0_jackson_25.wav"):
        stem = file[:-4]
        add(f"tensorflow-logmel-30ms-{stem}", "tensorflow", tf_logmel_30, fsdd=file, why="tf.signal log-mel, 240-sample window in a 256 FFT")
        add(f"tensorflow-mfcc-30ms-{stem}", "tensorflow", spec(tf_logmel_30, type="mfcc"), fsdd=file, why="tf.signal.mfccs_from_log_mel_spectrograms, first 13")
        add(f"tensorflow-logmel-32ms-{stem}", "tensorflow", tf_logmel_32, fsdd=file, why="window = stride = FFT = 256 samples")
        add(f"tensorflow-mfcc-32ms-{stem}", "tensorflow", spec(tf_logmel_32, type="mfcc"), fsdd=file, why="window = stride = FFT = 256 samples")

    add("librosa-logmel-sine1k-16k", "librosa",
        spec(LIBROSA_MFCC_8K, type="log-mel", sampleRate=16000, clipDurationMs=500, fftSize=512, upperHz=8000), synthetic="sine1k",
        why="energy must peak in the mel band centred nearest 1 kHz")
    add("tensorflow-mfcc-chirp-16k", "tensorflow",
        spec(TF_8K, type="mfcc", sampleRate=16000, windowMs=40, strideMs=20, fftSize=1024, upperHz=7600, mfccCount=10),
        synthetic="chirp", why="10 MFCCs of 40 HTK mels 20-7600 Hz, 640-sample window in a 1024 FFT")
    add("librosa-mfcc-hamming-noise-16k", "librosa",
        spec(LIBROSA_MFCC_8K, sampleRate=16000, clipDurationMs=500, fftSize=512, upperHz=8000, window="hamming"),
        synthetic="noise", why="periodic Hamming window")
    add("librosa-mfcc-win25-fft512-harmonic-16k", "librosa",
        spec(LIBROSA_MFCC_8K, sampleRate=16000, clipDurationMs=600, fftSize=512, upperHz=8000), synthetic="harmonic",
        why="400-sample window centred in a 512 frame (librosa pads the window on both sides); clip cut at 600 ms")
    add("tensorflow-mfcc-win25-fft512-harmonic-16k", "tensorflow",
        spec(TF_8K, type="mfcc", sampleRate=16000, clipDurationMs=600, windowMs=25, fftSize=512, upperHz=8000), synthetic="harmonic",
        why="400-sample window at the start of a 512 frame (tf.signal pads the frame at the end); clip cut at 600 ms")
    return out


# ---- checks against the libraries' everyday float32 calls ----------------------------------------

def librosa_direct(samples: np.ndarray, s: dict) -> np.ndarray:
    """The same features through librosa.feature.* on float32 audio, as a user would call them."""
    import librosa

    y = ref.fit_clip(samples, s, np.float32)
    geo = ref.geometry(s)
    stft_args = dict(n_fft=s["fftSize"], hop_length=geo["strideSamples"], win_length=geo["windowSamples"],
                     window=ref.LIBROSA_WINDOWS[s["window"]], center=s["center"], pad_mode="constant")
    mel_args = dict(n_mels=s["melBins"], fmin=s["lowerHz"], fmax=s["upperHz"], htk=s["melScale"] == "htk")
    mel_norm = "slaney" if s["melNorm"] == "slaney" else None
    db = dict(ref=1.0, amin=s["logFloor"], top_db=s["topDb"])
    if s["type"] == "spectrogram":
        S = np.abs(librosa.stft(y, **stft_args)) ** s["magnitudePower"]
        out = librosa.power_to_db(S, **db) if s["log"] == "db" else S
    elif s["type"] == "log-mel":
        S = librosa.feature.melspectrogram(y=y, sr=s["sampleRate"], power=s["magnitudePower"], norm=mel_norm, **stft_args, **mel_args)
        out = librosa.power_to_db(S, **db) if s["log"] == "db" else S
    elif db == dict(ref=1.0, amin=1e-10, top_db=80):
        out = librosa.feature.mfcc(y=y, sr=s["sampleRate"], n_mfcc=s["mfccCount"], lifter=s["lifter"], mel_norm=mel_norm,
                                   power=s["magnitudePower"], **stft_args, **mel_args)
    else:
        S = librosa.feature.melspectrogram(y=y, sr=s["sampleRate"], power=s["magnitudePower"], norm=mel_norm, **stft_args, **mel_args)
        out = librosa.feature.mfcc(S=librosa.power_to_db(S, **db), n_mfcc=s["mfccCount"], lifter=s["lifter"])
    parts = [out] + [librosa.feature.delta(out, order=k) for k in range(1, s["deltas"] + 1)]
    return ref.normalize(np.concatenate(parts).T, s)


def relative_error(a: np.ndarray, golden: np.ndarray) -> float:
    """Worst |a - golden| over the golden's range, the measure featureParity.test.ts applies."""
    return float(np.abs(a.astype(np.float64) - golden).max() / (golden.max() - golden.min()))


def f32_b64(x: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(x, dtype="<f4").tobytes()).decode("ascii")


def read_fsdd(file: str) -> tuple[np.ndarray, bytes]:
    path = FSDD_DIR / file
    raw = path.read_bytes()
    data, sr = sf.read(path, dtype="int16", always_2d=False)
    info = sf.info(path)
    assert sr == 8000 and info.channels == 1 and info.subtype == "PCM_16", (file, info)
    return data.astype(np.float32) / 32768, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--precision", choices=["float64", "float32"], default="float64",
                        help="precision the golden values are computed in (stored as float32 either way)")
    args = parser.parse_args()
    if not FSDD_DIR.is_dir():
        sys.exit(f"{FSDD_DIR} is absent: the shared FSDD sample sits beside the checkout (set KWS_SHARED_DATA)")

    import librosa
    import scipy
    import tensorflow as tf

    versions = {"librosa": librosa.__version__, "tensorflow": tf.__version__, "numpy": np.__version__, "scipy": scipy.__version__}
    args.out.mkdir(parents=True, exist_ok=True)
    written = set()
    total = 0
    start = time.perf_counter()
    print(f"{'case':48} {'frames x bins':>13} {'min':>9} {'max':>9}  float32 vs golden (of range)")
    for case in cases():
        s = case["spec"]
        if case["fsdd"]:
            samples, raw = read_fsdd(case["fsdd"])
            source = {"kind": "fsdd", "file": case["fsdd"], "sampleCount": len(samples), "sha256": hashlib.sha256(raw).hexdigest()}
        else:
            description, sr, samples = SYNTHETIC[case["synthetic"]]()
            assert sr == s["sampleRate"]
            source = {"kind": "synthetic", "description": description, "sampleRate": sr, "samples": f32_b64(samples)}
        golden = ref.features(case["reference"], samples, s, args.precision)
        # The everyday float32 way: librosa.feature.* on float32 audio; tf.signal on float32 tensors.
        if case["reference"] == "librosa":
            everyday = librosa_direct(samples, s)
        else:
            everyday = ref.tensorflow_features(samples, s, "float32")
        check = relative_error(everyday, golden)
        # float32 agrees to ~1e-7 of the range except where ln(x + 1e-6) looks at bins whose true
        # magnitude is below float32 FFT round-off (~1e-5 of the peak): there float32 is noise.
        assert check < 1e-2, f"{case['name']}: float32 path differs from the golden by {check:.2e} of the range"
        assert np.isfinite(golden).all()
        frames, bins = golden.shape
        fixture = {
            "name": case["name"],
            "reference": case["reference"],
            "description": case["why"],
            "spec": s,
            "input": source,
            "frames": frames,
            "bins": bins,
            "data": f32_b64(golden),
            "precision": args.precision,
            "float32RelativeError": float(f"{check:.3g}"),
            "generatedWith": versions,
        }
        path = args.out / f"{case['name']}.json"
        path.write_text(json.dumps(fixture, indent=2) + "\n")
        written.add(path.name)
        total += path.stat().st_size
        print(f"{case['name']:48} {frames:>6} x {bins:<4} {golden.min():9.3f} {golden.max():9.3f}  {check:.1e}")
        sanity(case, s, samples, golden)
    for stale in sorted(set(p.name for p in args.out.glob("*.json")) - written):
        (args.out / stale).unlink()
        print(f"removed stale {stale}")
    print(f"{len(written)} fixtures, {total / 1024:.0f} KiB, in {time.perf_counter() - start:.1f} s; {versions}")


# ---- sanity checks: the fixtures must mean what they claim -----------------------------------------

def sanity(case: dict, s: dict, samples: np.ndarray, golden: np.ndarray) -> None:
    name, geo = case["name"], ref.geometry(s)
    note = []
    if case["synthetic"] == "sine1k":
        centers = ref.mel_centers_hz(s, "librosa")
        peak = np.bincount(golden.argmax(axis=1)).argmax()
        expected = int(np.abs(centers - 1000).argmin())
        assert peak == expected, (peak, expected)
        note.append(f"peak mel band {peak} (centre {centers[peak]:.0f} Hz) in every frame: {(golden.argmax(axis=1) == peak).all()}")
    if case["synthetic"] == "chirp":
        logmel = ref.tensorflow_features(samples, {**s, "type": "log-mel"})
        track = logmel.argmax(axis=1)
        centers = ref.mel_centers_hz(s, "tensorflow")
        assert (np.diff(track) >= 0).all(), track
        note.append(f"log-mel peak band rises monotonically {track[0]} -> {track[-1]} ({centers[track[0]]:.0f} -> {centers[track[-1]]:.0f} Hz)")
    if case["synthetic"] == "noise":
        logmel = ref.LibrosaExtractor({**s, "type": "log-mel"})(samples)
        profile = logmel[2:-2].mean(axis=0)
        assert profile.std() < 3, profile
        note.append(f"noise log-mel is flat: band means {profile.min():.1f}..{profile.max():.1f} dB (Slaney unit-area triangles)")
    if case["fsdd"] and s["log"] == "db" and s["topDb"] is not None and s["normalization"] == "none" and s["deltas"] == 0:
        # Frames wholly in the zero padding sit at the clamp (peak - top_db); for MFCC that is c0 = sqrt(M) * floor.
        used = len(samples)
        if used < geo["clipSamples"]:
            last = golden[-1]
            if s["type"] == "mfcc":
                base = ref.LibrosaExtractor({**s, "type": "log-mel"})(samples)
                floor = base.max() - s["topDb"]
                assert abs(last[0] - np.sqrt(s["melBins"]) * floor) < 1e-3 and np.abs(last[1:]).max() < 1e-3, last
                note.append(f"last (padding) frame: c0 = sqrt(40) x {floor:.2f} dB, c1.. = 0")
            else:
                assert np.allclose(last, golden.max() - s["topDb"], atol=1e-4)
                note.append(f"last (padding) frame clamped at peak - {s['topDb']} dB")
    if case["reference"] == "tensorflow" and s["type"] != "spectrogram":
        import tensorflow as tf

        matrix = tf.signal.linear_to_mel_weight_matrix(s["melBins"], s["fftSize"] // 2 + 1, s["sampleRate"], s["lowerHz"], s["upperHz"]).numpy()
        assert not matrix[0].any()
    if name.startswith("librosa-mfcc-win25"):
        note.append(f"frames: librosa (centred) {geo['frames']} = 1 + {geo['clipSamples']}//{geo['strideSamples']}")
    if name.startswith("tensorflow-mfcc-win25"):
        note.append(f"frames: tf {geo['frames']} = 1 + ({geo['clipSamples']} - {geo['windowSamples']})//{geo['strideSamples']}")
    if s["normalization"] == "clip":
        assert np.abs(golden.mean(axis=0)).max() < 1e-5 and np.abs(golden.std(axis=0) - 1).max() < 1e-4
        note.append("clip-normalized: every column mean 0, std 1")
    for line in note:
        print(f"    {line}")


if __name__ == "__main__":
    main()
