#!/usr/bin/env python3
"""
The librosa peer in the feature benchmark: times computing a FeatureSpec's features with librosa,
on one thread, over a list of WAV files.

    bash scripts/reference/setup-venv.sh
    .venv-ref/bin/python bench/librosa_features.py --spec SPEC.json --files LIST.txt [--repeat 1]

SPEC.json is a FeatureSpec (src-shared/model/FeatureSpec.ts) or any JSON object with one under
"spec" (a preset, a fixture). LIST.txt has one WAV path per line (blank lines and lines starting
with # are skipped; relative paths are relative to LIST.txt's folder).

All files are read first (soundfile, as float32) and one clip is computed as a warm-up (librosa
loads its submodules lazily), both outside the timer. The timer then covers, per clip and per
repeat, exactly what the app's extractor does: resampling when the file's rate differs from the
spec's, cut / zero-pad to clipDurationMs, pre-emphasis, STFT, power, mel, dB, DCT, lifter, deltas,
normalization (scripts/reference/referenceFeatures.py, LibrosaExtractor). The mel filterbank is
built once, as the app builds it once per extractor; nothing else is reused across clips.

Prints one line of JSON: {"clips": n, "msPerClip": x, "librosa": version}.
"""

import os

# One thread, set before numpy (and its BLAS) is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "reference"))
from referenceFeatures import LibrosaExtractor  # noqa: E402


def read_list(path: Path) -> list[Path]:
    files = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            file = Path(line)
            files.append(file if file.is_absolute() else path.parent / file)
    return files


def load(file: Path) -> tuple[np.ndarray, int]:
    data, sr = sf.read(file, dtype="float32", always_2d=True)
    return (data[:, 0] if data.shape[1] == 1 else data.mean(axis=1, dtype=np.float32)), sr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                        help="float32 (default) is librosa's own path for float32 audio; float64 is the fixtures' precision")
    parser.add_argument("--api", action="store_true",
                        help="time librosa.feature.mfcc as users call it (it rebuilds the mel filterbank per call); MFCC specs with librosa defaults only")
    args = parser.parse_args()

    spec = json.loads(args.spec.read_text())
    spec = spec.get("spec", spec)
    files = read_list(args.files)
    if not files:
        sys.exit(f"{args.files} lists no files")
    clips = [load(file) for file in files]

    import librosa

    extract = LibrosaExtractor(spec, np.dtype(args.dtype))
    if args.api:
        defaults = {"type": "mfcc", "center": True, "deltas": 0, "normalization": "none", "preEmphasis": 0, "melNorm": "slaney",
                    "melTriangles": "hz", "log": "db", "logFloor": 1e-10, "topDb": 80, "dctNorm": "ortho"}
        if any(spec[key] != value for key, value in defaults.items()):
            sys.exit(f"--api times plain librosa.feature.mfcc, so the spec must keep its defaults: {defaults}")
        from referenceFeatures import fit_clip, geometry

        shape = geometry(spec)

        def extract(samples, sr):  # noqa: F811 — the API path replaces the build-once extractor
            return librosa.feature.mfcc(
                y=fit_clip(samples, spec, np.float32), sr=spec["sampleRate"], n_mfcc=spec["mfccCount"], lifter=spec["lifter"],
                n_fft=spec["fftSize"], hop_length=shape["strideSamples"], win_length=shape["windowSamples"], window=spec["window"],
                center=True, pad_mode="constant", power=float(spec["magnitudePower"]), n_mels=spec["melBins"],
                fmin=spec["lowerHz"], fmax=spec["upperHz"], htk=spec["melScale"] == "htk",
            ).T

    extract(*clips[0])  # warm-up, untimed

    checksum = 0.0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for samples, sr in clips:
            features = extract(samples, sr)
            checksum += float(features[0, 0])  # keeps the result live
    elapsed = time.perf_counter() - start
    if not np.isfinite(checksum):
        sys.exit("non-finite features")

    print(json.dumps({"clips": len(clips), "msPerClip": round(elapsed * 1000 / (len(clips) * args.repeat), 4), "librosa": librosa.__version__}))


if __name__ == "__main__":
    main()
