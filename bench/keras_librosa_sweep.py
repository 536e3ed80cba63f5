#!/usr/bin/env python3
"""
The Keras + librosa peer in the sweep benchmark: runs a grid SweepSpec on FSDD the way a
straightforward user script would, one trial after another in one process, and times all of it.

    bash scripts/reference/setup-venv.sh
    .venv-ref/bin/python bench/keras_librosa_sweep.py --sweep bench/fsdd-sweep.json --data DIR [--trials N] [--threads T]

SWEEP.json is a SweepSpec (src-shared/model/SweepSpec.ts) with strategy grid: the trials are the
cartesian product of the axes' value lists, first axis outermost, each a deep copy of `base` with
every dot path set (as src-shared/sweep/expandSweep.ts); --trials N runs the first N.
DIR is the Free Spoken Digit Dataset: {digit}_{speaker}_{take}.wav; takes 0-4 are the test split,
5-9 validation, the rest train (FSDD's own split, as bench/training.bench.ts); classes "0".."9".

Every trial, from scratch (no cache across trials, as a plain loop over configurations does):
  - reads every clip (librosa.load, native rate) and computes the trial's FeatureSpec with
    scripts/reference/referenceFeatures.py's LibrosaExtractor (float32, librosa's own path for
    float32 audio); normalization 'dataset' standardizes every feature column with the mean and
    population std over all training-split frames (std floored at MIN_STD = 1e-5, as ours);
  - trains and tests the trial's model with bench/keras_training.py's train(): the same model,
    optimizer, schedule, epochs, batch size, seed and best-validation-accuracy weights.

Timing: wallSeconds runs from this script's first line (before TensorFlow and librosa are imported,
as `time python ...` would see it) to the result line. A trial's seconds cover its feature
extraction (featureSeconds) and Keras session reset, model build, training and test (trainSeconds).

--threads T: TensorFlow's intra-op pool (inter-op --inter-op, default 1), as keras_training.py;
default: TensorFlow's own choice (all cores). librosa/numpy threading is left as it is.

Prints a line per trial on stderr, then one line of JSON on stdout:
    {"trials": [{"index", "overrides": {path: value}, "testAccuracy", "validationAccuracy", "seconds",
                 "featureSeconds", "trainSeconds"}],
     "wallSeconds": s, "bestTrial": index of the best validation accuracy (ties: the first),
     "bestTestAccuracy": that trial's test accuracy, "threads", "tensorflow", "keras", "librosa"}
"""

import time

STARTED = time.perf_counter()  # the whole run is timed, imports included

import argparse  # noqa: E402
import copy  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, str(Path(__file__).resolve().parent))
from keras_training import redirect_stdout, setup_tensorflow, train  # noqa: E402 (also puts scripts/reference on sys.path)
from referenceFeatures import LibrosaExtractor, normalize  # noqa: E402

SPLITS = ("train", "validation", "test")
CLASSES = [str(digit) for digit in range(10)]


def log(message: str) -> None:
    print(f"[sweep] {message}", file=sys.stderr, flush=True)


def grid(sweep: dict) -> list[dict]:
    """Each trial's overrides {path: value}, in expandSweep.ts's order."""
    if sweep["strategy"]["kind"] != "grid":
        sys.exit(f"only grid sweeps are supported, not {sweep['strategy']['kind']!r}")
    axes = sweep["axes"]
    return [dict(zip((axis["path"] for axis in axes), values)) for values in itertools.product(*(axis["values"] for axis in axes))]


def with_overrides(base: dict, overrides: dict) -> dict:
    spec = copy.deepcopy(base)
    for path, value in overrides.items():
        *parents, last = path.split(".")
        node = spec
        for key in parents:
            node = node[key]
        if last not in node:
            sys.exit(f'axis "{path}" names no field of the base spec')
        node[last] = copy.deepcopy(value)
    return spec


def fsdd_split(folder: Path) -> dict[str, list[tuple[Path, int]]]:
    """(file, class index) per split, files in name order."""
    splits = {split: [] for split in SPLITS}
    for file in sorted(folder.glob("*.wav")):
        digit, _speaker, take = file.stem.split("_")
        split = "test" if int(take) < 5 else "validation" if int(take) < 10 else "train"
        splits[split].append((file, CLASSES.index(digit)))
    if not splits["train"]:
        sys.exit(f"{folder} has no FSDD training clips ({{digit}}_{{speaker}}_{{take}}.wav with take >= 10)")
    return splits


def features(feature_spec: dict, splits: dict) -> dict:
    """The dataset as keras_training.train takes it, computed with librosa for this FeatureSpec."""
    import librosa

    dataset_stats = feature_spec["normalization"] == "dataset"
    # Dataset normalization needs the training split's raw features first, so extract without it.
    extract = LibrosaExtractor({**feature_spec, "normalization": "none"} if dataset_stats else feature_spec, np.float32)
    x = {split: np.stack([extract(*librosa.load(file, sr=None)) for file, _ in items]) for split, items in splits.items()}
    if dataset_stats:
        frames = x["train"].reshape(-1, x["train"].shape[-1]).astype(np.float64)
        stats = {"mean": frames.mean(axis=0), "std": frames.std(axis=0)}  # population std, as ours
        x = {split: normalize(values, feature_spec, stats) for split, values in x.items()}
    frames, bins = extract.geo["frames"], extract.geo["bins"]
    data = {"frames": frames, "bins": bins, "classes": len(CLASSES)}
    for split, items in splits.items():
        data[split] = (x[split].reshape(-1, frames, bins, 1), np.array([label for _, label in items], np.int32))
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sweep", type=Path, required=True, help="SweepSpec JSON (grid)")
    parser.add_argument("--data", type=Path, required=True, help="FSDD folder ({digit}_{speaker}_{take}.wav)")
    parser.add_argument("--trials", type=int, help="run only the first N trials")
    parser.add_argument("--threads", type=int, help="TensorFlow intra-op threads (default: TensorFlow's choice, all cores)")
    parser.add_argument("--inter-op", type=int, default=1, help="inter-op threads when --threads is given (default 1)")
    parser.add_argument("--verbose", action="store_true", help="per-epoch progress on stderr")
    args = parser.parse_args()

    stdout = redirect_stdout()
    sweep = json.loads(args.sweep.read_text())
    trials = grid(sweep)[: args.trials]
    data_spec = sweep["base"]["data"]
    # Every FSDD digit is a class and there is nothing else: no _silence_ or _unknown_ examples.
    if data_spec.get("wantedWords") is not None or data_spec.get("silencePercentage") or data_spec.get("unknownPercentage"):
        sys.exit("the base spec must have wantedWords null and no silence or unknown examples")
    splits = fsdd_split(args.data)
    tf = setup_tensorflow(args.threads, args.inter_op)
    import keras
    import librosa

    log(f"{len(trials)} trials on {args.data}: {', '.join(f'{split} {len(items)}' for split, items in splits.items())} clips")
    results = []
    for index, overrides in enumerate(trials):
        spec = with_overrides(sweep["base"], overrides)
        started = time.perf_counter()
        data = features(spec["features"], splits)
        extracted = time.perf_counter()
        keras.backend.clear_session()  # as Keras advises for models built in a loop
        result = train(spec, data, threads=args.threads, inter_op=args.inter_op, quiet=not args.verbose)
        ended = time.perf_counter()
        results.append({
            "index": index,
            "overrides": overrides,
            "testAccuracy": result["testAccuracy"],
            "validationAccuracy": result["validationAccuracy"],
            "seconds": round(ended - started, 3),
            "featureSeconds": round(extracted - started, 3),
            "trainSeconds": round(ended - extracted, 3),
        })
        log(f"trial {index + 1}/{len(trials)} {json.dumps(overrides)}: test {result['testAccuracy']:.4f}, "
            f"validation {result['validationAccuracy']:.4f}; {ended - started:.1f} s "
            f"(features {extracted - started:.1f} s, Keras {ended - extracted:.1f} s)")

    best = max(results, key=lambda trial: trial["validationAccuracy"])  # max keeps the first of equals
    wall = time.perf_counter() - STARTED
    log(f"best trial {best['index']} (validation {best['validationAccuracy']:.4f}, test {best['testAccuracy']:.4f}); wall {wall:.1f} s")
    stdout.write(json.dumps({
        "trials": results,
        "wallSeconds": round(wall, 3),
        "bestTestAccuracy": best["testAccuracy"],
        "bestTrial": best["index"],
        "threads": args.threads,
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "librosa": librosa.__version__,
    }) + "\n")
    stdout.flush()


if __name__ == "__main__":
    main()
