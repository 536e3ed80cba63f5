"""Times a .tflite model with TensorFlow Lite's own interpreter, for KWS Studio's Ship report.

Usage: python time_tflite.py MODEL.tflite [--warmup 100] [--runs 200]
Prints one JSON line: {"default_ms": …, "reference_ms": …, "tensorflow": "2.21.0"} — the median of
`runs` invokes after `warmup` untimed ones, on one fixed pseudo-random input, with the default kernels
(XNNPACK delegate) and with the reference kernels (BUILTIN_REF, the closest to TFLite Micro).
KWS Studio runs it only when KWS_STUDIO_TFLITE_PYTHON names a Python with tensorflow installed.
"""
import argparse
import json
import os
import statistics
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def time_model(path: str, resolver, warmup: int, runs: int) -> float:
    interpreter = tf.lite.Interpreter(model_path=path, num_threads=1, experimental_op_resolver_type=resolver)
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    rng = np.random.default_rng(0)
    if detail["dtype"] == np.int8:
        value = rng.integers(-128, 128, size=detail["shape"], dtype=np.int8)
    else:
        value = rng.standard_normal(size=detail["shape"]).astype(detail["dtype"])
    interpreter.set_tensor(detail["index"], value)
    for _ in range(warmup):
        interpreter.invoke()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interpreter.invoke()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    kinds = tf.lite.experimental.OpResolverType
    result = {
        "default_ms": time_model(args.model, kinds.AUTO, args.warmup, args.runs),
        "reference_ms": time_model(args.model, kinds.BUILTIN_REF, args.warmup, args.runs),
        "tensorflow": tf.__version__,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
