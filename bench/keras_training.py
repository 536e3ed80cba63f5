#!/usr/bin/env python3
"""
The Keras peer in the training benchmarks: trains the Keras twin of a TrainSpec's model on a folder
of precomputed feature matrices, and reports training throughput and accuracy.

    bash scripts/reference/setup-venv.sh
    .venv-ref/bin/python bench/keras_training.py --data DIR --spec SPEC.json [--epochs N] [--threads T]

DIR (written by our side; features already computed, so no audio augmentation is possible here):
    meta.json        {"classes": [...], "frames": F, "bins": B, "splits": {"train": N1, "validation": N2, "test": N3}}
    <split>_x.f32    little-endian float32, N × F × B (row-major, time-major per example)
    <split>_y.i32    little-endian int32 class indices
A split with 0 examples may omit its files.

SPEC.json is a TrainSpec (src-shared/model/TrainSpec.ts; camelCase keys), or any JSON object with one
under "spec". Used: model (all kinds; see scripts/reference/kerasModels.py), optimizer, schedule,
batchSize, epochs, gradientAccumulation, l2, labelSmoothing, earlyStopping, seed. Not applicable to
precomputed features, and warned about on stderr when set: data augmentation (time shift, background
noise, speed perturbation, SpecAugment), class balancing, pruning.

The model is scripts/reference/kerasModels.py's twin of ours, batch-norm momentum included (0.9, as
src-main/services/training/models/batchNorm.ts; --bn-momentum to change). Training follows
src-main/services/training/trainRun.ts:
  - model.fit on the arrays, batch size spec.batchSize (the last batch of an epoch is partial),
    reshuffled every epoch, seeds from spec.seed (keras.utils.set_random_seed);
  - loss: softmax cross-entropy on logits (sparse; categorical on smoothed one-hot labels when
    labelSmoothing > 0), plus l2 · Σ kernel² when l2 > 0;
  - the learning rate of every optimizer update is learningRateAt(schedule, step, total) with
    total = epochs · ceil(ceil(N1 / batchSize) / gradientAccumulation), or a piecewise schedule's own
    step total (training then stops mid-epoch at that step, as ours does);
  - after every epoch the validation split is evaluated as ours does (inference mode; loss is plain
    cross-entropy on the hard labels, without label smoothing or L2); the weights of the best epoch by
    earlyStopping.metric (val_accuracy when there is no early stopping; "better" means by more than
    minDelta) are kept and restored before testing; with early stopping, training stops once
    `patience` + 1 epochs in a row brought no improvement (ours counts `sinceBest > patience`; Keras's
    EarlyStopping would stop one epoch earlier, so it is not used). Without a validation split the
    training loss decides.
  - --epochs N overrides spec.epochs (a piecewise schedule keeps its own length).

Timing: each epoch is timed from its start to the end of its last training step (validation, run by
this script's callback after the timer stops, is not included, as in ours). samplesPerSecond is the
mean of the per-epoch rates (samples / seconds) of epochs 2..N, as bench/training.bench.ts averages
ours; epoch 1 includes tracing the train step and warming up (a single epoch run reports epoch 1).
samplesPerSecondMedian is the median of the same rates (robust to a busy machine's slow epochs).
epochSeconds lists every epoch. XLA stays off (Keras's default on CPU-only machines; --xla turns it
on; it makes this DS-CNN ~6× slower on CPU).

Threads: by default TensorFlow picks its thread pools (all cores). --threads T sets the intra-op pool
to T threads and the inter-op pool to --inter-op (default 1: ops of the train step run one at a time,
each on up to T threads, so at most T threads compute; tf.data's own small pool is not limited).
On a 2-vCPU machine the small KWS models train FASTER with --threads 1 than with TensorFlow's
default pools (DS-CNN on FSDD: ~0.43 s vs ~0.58 s per epoch, at 18 vs 32 CPU-seconds a run), so a
fair "ours vs Keras" comparison should try both. oneDNN stays as TensorFlow sets it (on for x86
Linux); TF_ENABLE_ONEDNN_OPTS=0 makes this model ~1.7× slower.

Importable (bench/keras_librosa_sweep.py trains this way in-process): train(spec, data) runs all of
the above on arrays shaped as read_dataset returns them and returns the result object below;
setup_tensorflow and redirect_stdout are main's TensorFlow and stdout set-up.

Prints one line of JSON on stdout (progress and everything else go to stderr):
    {"framework": "keras", "tensorflow": ver, "keras": ver, "params": n, "samplesPerSecond": x,
     "epochSeconds": [...], "testAccuracy": a, "validationAccuracy": v, "bestEpoch": e (1-based), ...}
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: no C++ info/warning logs

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts" / "reference"))

SPLITS = ("train", "validation", "test")


def log(message: str) -> None:
    print(f"[keras] {message}", file=sys.stderr, flush=True)


def import_tensorflow():
    """Imports TensorFlow with its import-time C++ notices (oneDNN, absl: printed whatever
    TF_CPP_MIN_LOG_LEVEL says) held back; they are replayed on stderr only if the import fails."""
    import tempfile

    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import tensorflow as tf
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.buffer.write(captured.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    return tf


def read_dataset(folder: Path) -> dict:
    if not (folder / "meta.json").is_file():
        sys.exit(f"{folder} has no meta.json")
    meta = json.loads((folder / "meta.json").read_text())
    frames, bins = int(meta["frames"]), int(meta["bins"])
    classes = len(meta["classes"])
    data = {"meta": meta, "frames": frames, "bins": bins, "classes": classes}
    for split in SPLITS:
        n = int(meta["splits"].get(split, 0))
        if n == 0:
            data[split] = (np.zeros((0, frames, bins, 1), np.float32), np.zeros((0,), np.int32))
            continue
        x = np.fromfile(folder / f"{split}_x.f32", dtype="<f4")
        y = np.fromfile(folder / f"{split}_y.i32", dtype="<i4")
        if x.size != n * frames * bins:
            sys.exit(f"{split}_x.f32 holds {x.size} floats, meta.json says {n} × {frames} × {bins}")
        if y.size != n:
            sys.exit(f"{split}_y.i32 holds {y.size} labels, meta.json says {n}")
        if y.size and (y.min() < 0 or y.max() >= classes):
            sys.exit(f"{split}_y.i32 has labels outside 0..{classes - 1}")
        data[split] = (x.astype(np.float32).reshape(n, frames, bins, 1), y.astype(np.int32))
    if data["train"][1].size == 0:
        sys.exit("the train split is empty")
    return data


def warn_unsupported(spec: dict) -> None:
    data = spec.get("data") or {}
    notes = []
    if data.get("timeShiftMs"):
        notes.append("time shift")
    if data.get("backgroundVolume") and data.get("backgroundFrequency"):
        notes.append("background noise")
    if data.get("speedPerturbation"):
        notes.append("speed perturbation")
    sa = data.get("specAugment") or {}
    if sa.get("timeMasks") or sa.get("frequencyMasks"):
        notes.append("SpecAugment")
    if data.get("balance", "none") != "none":
        notes.append(f"balance={data['balance']}")
    if spec.get("pruning"):
        notes.append("pruning")
    if notes:
        log(f"warning: ignored (not applicable to precomputed features / not mirrored): {', '.join(notes)}")


def redirect_stdout():
    """Sends everything written to fd 1 (TensorFlow, Keras, stray prints) to stderr, so that only the
    result line reaches the real stdout; returns the real stdout for that line."""
    stdout = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return stdout


def setup_tensorflow(threads: int | None = None, inter_op: int = 1):
    """Imports TensorFlow quietly and sets its thread pools (threads None: TensorFlow's default).
    Safe to call again with the same threads (TensorFlow ignores an unchanged setting)."""
    tf = import_tensorflow()
    tf.get_logger().setLevel("ERROR")
    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(inter_op)
    return tf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="dataset folder (meta.json, <split>_x.f32, <split>_y.i32)")
    parser.add_argument("--spec", type=Path, required=True, help="TrainSpec JSON")
    parser.add_argument("--epochs", type=int, help="override spec.epochs")
    parser.add_argument("--threads", type=int, help="TensorFlow intra-op threads (default: TensorFlow's choice, all cores)")
    parser.add_argument("--inter-op", type=int, default=1, help="inter-op threads when --threads is given (default 1)")
    parser.add_argument("--bn-momentum", type=float, help="batch-norm momentum (default: ours, 0.9; Keras's own default is 0.99)")
    parser.add_argument("--xla", action="store_true", help="compile the train step with XLA (Keras's default on CPU is off)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    args = parser.parse_args()

    stdout = redirect_stdout()
    spec = json.loads(args.spec.read_text())
    spec = spec.get("spec", spec) if "model" not in spec else spec
    result = train(spec, read_dataset(args.data), epochs=args.epochs, threads=args.threads, inter_op=args.inter_op,
                   bn_momentum=args.bn_momentum, xla=args.xla, quiet=args.quiet)
    stdout.write(json.dumps(result) + "\n")
    stdout.flush()


def train(spec: dict, data: dict, *, epochs: int | None = None, threads: int | None = None, inter_op: int = 1,
          bn_momentum: float | None = None, xla: bool = False, quiet: bool = False) -> dict:
    """Trains spec's model on data (as read_dataset returns it: frames, bins, classes and an (x, y) pair
    per split) as described above, and returns the result object that main prints."""
    epochs = epochs if epochs is not None else int(spec["epochs"])
    batch_size = int(spec["batchSize"])
    accumulation = max(1, int(spec.get("gradientAccumulation", 1) or 1))
    l2 = float(spec.get("l2", 0) or 0)
    smoothing = float(spec.get("labelSmoothing", 0) or 0)
    seed = int(spec.get("seed", 0))
    early = spec.get("earlyStopping")
    warn_unsupported(spec)

    x_train, y_train = data["train"]
    x_val, y_val = data["validation"]
    x_test, y_test = data["test"]
    classes = data["classes"]
    n_train = len(y_train)

    tf = setup_tensorflow(threads, inter_op)
    import keras

    from kerasModels import BATCH_NORM_MOMENTUM, SpecSchedule, build_model, build_optimizer, total_steps

    bn_momentum = BATCH_NORM_MOMENTUM if bn_momentum is None else bn_momentum

    keras.utils.set_random_seed(seed)

    batches_per_epoch = math.ceil(n_train / batch_size)
    steps_per_epoch = math.ceil(batches_per_epoch / accumulation)
    schedule = spec["schedule"]
    total = total_steps(schedule, epochs, steps_per_epoch)
    fit_epochs = math.ceil(total / steps_per_epoch)
    # Batches after which a piecewise schedule's total ends training (None: whole epochs).
    batch_limit = total * accumulation if total < fit_epochs * steps_per_epoch else None
    if accumulation > 1 and batches_per_epoch % accumulation:
        log("warning: gradientAccumulation does not divide the batches of an epoch; Keras carries the partial "
            "accumulation into the next epoch where ours applies it at the epoch's end")

    model = build_model(spec["model"], data["frames"], data["bins"], classes, l2=l2, seed=seed, bn_momentum=bn_momentum)
    optimizer = build_optimizer(spec["optimizer"], SpecSchedule(schedule, total, accumulation), accumulation)
    if smoothing > 0:
        loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
        to_targets = lambda y: keras.utils.to_categorical(y, classes).astype(np.float32)  # noqa: E731
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        to_targets = lambda y: y  # noqa: E731
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"], jit_compile=bool(xla))
    params = int(model.count_params())
    log(f"{spec['model']['kind']}: {params} params; {n_train} train / {len(y_val)} validation / {len(y_test)} test "
        f"examples of {data['frames']}×{data['bins']}, {classes} classes; {fit_epochs} epochs × {batches_per_epoch} batches "
        f"of {batch_size}; TensorFlow {tf.__version__}, Keras {keras.__version__}"
        + (f"; {threads} intra-op / {inter_op} inter-op threads" if threads else ""))

    has_validation = len(y_val) > 0
    metric = (early or {}).get("metric", "val_accuracy") if has_validation else "loss"
    higher_is_better = metric == "val_accuracy"
    min_delta = float((early or {}).get("minDelta", 0) or 0)

    def evaluate(x, y):
        """Inference-mode loss and accuracy as ours evaluates (trainRun.ts evaluate): plain softmax
        cross-entropy on the hard labels (no label smoothing, no L2), batches of 256."""
        logits = model.predict(x, batch_size=256, verbose=0).astype(np.float64)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        loss = float(-log_probs[np.arange(len(y)), y].mean())
        return loss, float(np.mean(np.argmax(logits, axis=-1) == y))

    class Trainer(keras.callbacks.Callback):
        """Times epochs, keeps the best weights, stops early and at a piecewise schedule's end."""

        def __init__(self):
            super().__init__()
            self.epoch_seconds: list[float] = []
            self.epoch_samples: list[int] = []
            self.best = None
            self.best_epoch = -1
            self.best_weights = None
            self.since_best = 0
            self.stopped_early = False
            self.batches = 0
            self.started = None

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_batches = 0
            self.started = time.perf_counter()

        if batch_limit is not None:
            def on_train_batch_end(self, batch, logs=None):
                self.batches += 1
                self.epoch_batches += 1
                if self.batches >= batch_limit:
                    self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            # fit runs no validation of its own, so this is right after the epoch's last step
            # (whose metrics fit has already read back).
            seconds = time.perf_counter() - self.started
            self.started = None
            samples = n_train if batch_limit is None else min(n_train, self.epoch_batches * batch_size)
            self.epoch_seconds.append(seconds)
            self.epoch_samples.append(samples)
            logs = dict(logs or {})
            if has_validation:
                logs["val_loss"], logs["val_accuracy"] = evaluate(x_val, y_val)
            value = float(logs[metric])
            improved = self.best is None or (value > self.best + min_delta if higher_is_better else value < self.best - min_delta)
            if improved:
                self.best, self.best_epoch, self.since_best = value, epoch, 0
                self.best_weights = self.model.get_weights()
            else:
                self.since_best += 1
            if not quiet:
                val = f", val_loss {logs['val_loss']:.4f}, val_acc {logs['val_accuracy']:.4f}" if has_validation else ""
                log(f"epoch {epoch + 1}/{fit_epochs}: {seconds:.2f} s, {samples / seconds:.0f} samples/s, "
                    f"loss {logs['loss']:.4f}, acc {logs['accuracy']:.4f}{val}{' *' if improved else ''}")
            if early and self.since_best > int(early["patience"]):
                self.stopped_early = True
                self.model.stop_training = True

    trainer = Trainer()
    wall = time.perf_counter()
    model.fit(
        x_train,
        to_targets(y_train),
        batch_size=batch_size,
        epochs=fit_epochs,
        shuffle=True,
        callbacks=[trainer],
        verbose=0,
    )
    train_wall = time.perf_counter() - wall

    if trainer.best_weights is not None:
        model.set_weights(trainer.best_weights)

    test_accuracy = evaluate(x_test, y_test)[1] if len(y_test) else None
    validation_accuracy = evaluate(x_val, y_val)[1] if has_validation else None

    seconds, samples = trainer.epoch_seconds, trainer.epoch_samples
    timed = slice(1, None) if len(seconds) > 1 else slice(0, None)
    rates = [n / max(1e-9, s) for n, s in zip(samples[timed], seconds[timed])]
    samples_per_second = float(np.mean(rates))
    result = {
        "framework": "keras",
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "model": spec["model"]["kind"],
        "params": params,
        "trainableParams": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
        "samplesPerSecond": round(samples_per_second, 1),
        "samplesPerSecondMedian": round(float(np.median(rates)), 1),
        "epochSeconds": [round(s, 4) for s in seconds],
        "testAccuracy": test_accuracy,
        "validationAccuracy": validation_accuracy,
        "bestEpoch": trainer.best_epoch + 1,
        "epochs": len(seconds),
        "stoppedEarly": trainer.stopped_early,
        "steps": int(optimizer.iterations.numpy()),
        "batchSize": batch_size,
        "trainSamples": n_train,
        "threads": threads,
        "interOpThreads": inter_op if threads else None,
        "xla": bool(xla),
        "batchNormMomentum": bn_momentum,
        "trainWallSeconds": round(train_wall, 3),
    }
    log(f"test accuracy {test_accuracy}, validation accuracy {validation_accuracy} (best epoch {trainer.best_epoch + 1}); "
        f"{samples_per_second:.0f} samples/s over epochs {2 if len(seconds) > 1 else 1}..{len(seconds)}; fit {train_wall:.1f} s")
    return result


if __name__ == "__main__":
    main()
