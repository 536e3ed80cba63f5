#!/usr/bin/env python3
"""
Runs a .tflite model with TensorFlow's own interpreter, the independent check of our TFLite writer.

    .venv-ref/bin/python scripts/reference/runTflite.py MODEL.tflite INPUTS.npy OUT_DIR \
        [--resolvers default,builtin_ref] [--warmup 100] [--runs 200]

INPUTS.npy holds N float32 model inputs (any shape whose per-item size is the model input's size).
For an int8-input model each input is quantized with the model's own input scale and zero point,
round-half-away-from-zero and clamped, as TFLite's QUANTIZE does; an int8 output is dequantized the
same way back. For each resolver it writes OUT_DIR/<resolver>.npy (N x outputs float32, dequantized)
and OUT_DIR/<resolver>_raw.npy (the output tensor's own dtype), and times the first input: median
milliseconds of `--runs` invokes after `--warmup` untimed ones (0 runs skips timing).

Resolvers: default = the builtin kernels with the default XNNPACK delegate; builtin_ref = TFLite's
reference kernels (OpResolverType.BUILTIN_REF), the closest to TFLite Micro's.

Prints one JSON line on stdout: input/output dtype, shape and quantization, the operator codes and
versions in the file, the executed op names per resolver (interpreter._get_ops_details()), every
tensor's quantization (get_tensor_details()), constant buffers not on a 16-byte boundary, latencies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402

RESOLVERS = {
    "default": tf.lite.experimental.OpResolverType.AUTO,
    "builtin_ref": tf.lite.experimental.OpResolverType.BUILTIN_REF,
}
BUILTIN_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}


def quantization(detail: dict) -> dict:
    params = detail["quantization_parameters"]
    return {
        "scales": [float(s) for s in params["scales"]],
        "zero_points": [int(z) for z in params["zero_points"]],
        "quantized_dimension": int(params["quantized_dimension"]),
    }


def describe(detail: dict) -> dict:
    return {
        "name": detail["name"],
        "dtype": np.dtype(detail["dtype"]).name,
        "shape": [int(d) for d in detail["shape"]],
        "quantization": quantization(detail),
    }


def quantize(values: np.ndarray, detail: dict) -> np.ndarray:
    dtype = np.dtype(detail["dtype"])
    if dtype not in (np.int8, np.uint8):
        return values.astype(dtype)
    scale, zero_point = detail["quantization"]
    info = np.iinfo(dtype)
    scaled = values / scale
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
    return np.clip(rounded + zero_point, info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, detail: dict) -> np.ndarray:
    if np.dtype(detail["dtype"]) not in (np.int8, np.uint8):
        return values.astype(np.float32)
    scale, zero_point = detail["quantization"]
    return ((values.astype(np.float32) - zero_point) * scale).astype(np.float32)


def file_facts(data: bytes) -> dict:
    """Operator codes as written, and constant buffers whose data is not 16-byte aligned in the file."""
    model = schema.Model.GetRootAs(data, 0)
    codes = []
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        codes.append(
            {
                "name": BUILTIN_NAMES.get(code.BuiltinCode(), str(code.BuiltinCode())),
                "builtin_code": code.BuiltinCode(),
                "deprecated_builtin_code": code.DeprecatedBuiltinCode(),
                "version": code.Version(),
            }
        )
    unaligned = []
    for i in range(model.BuffersLength()):
        buffer = model.Buffers(i)
        if buffer.DataLength() == 0:
            continue
        field = buffer._tab.Offset(4)  # Buffer.data, slot 0
        start = buffer._tab.Vector(field)
        if start % 16:
            unaligned.append(i)
    empty_first = model.BuffersLength() > 0 and model.Buffers(0).DataLength() == 0
    return {
        "schema_version": model.Version(),
        "identifier": data[4:8].decode("ascii", "replace"),
        "operator_codes": codes,
        "buffers": model.BuffersLength(),
        "first_buffer_empty": empty_first,
        "unaligned_buffers": unaligned,
        "subgraphs": model.SubgraphsLength(),
    }


def run(model_path: str, inputs: np.ndarray, resolver: str, warmup: int, runs: int, out_dir: Path) -> dict:
    interpreter = tf.lite.Interpreter(model_path=model_path, experimental_op_resolver_type=RESOLVERS[resolver])
    interpreter.allocate_tensors()
    input_detail = interpreter.get_input_details()[0]
    output_detail = interpreter.get_output_details()[0]
    shape = tuple(int(d) for d in input_detail["shape"])
    per_item = int(np.prod(shape))
    if inputs[0].size != per_item:
        sys.exit(f"each input has {inputs[0].size} values, the model takes {per_item} {list(shape)}")
    raw = []
    for item in inputs:
        interpreter.set_tensor(input_detail["index"], quantize(item.reshape(shape), input_detail))
        interpreter.invoke()
        raw.append(interpreter.get_tensor(output_detail["index"]).reshape(-1).copy())
    raw_outputs = np.stack(raw)
    np.save(out_dir / f"{resolver}_raw.npy", raw_outputs)
    np.save(out_dir / f"{resolver}.npy", dequantize(raw_outputs, output_detail))

    latency = None
    if runs > 0:
        interpreter.set_tensor(input_detail["index"], quantize(inputs[0].reshape(shape), input_detail))
        for _ in range(warmup):
            interpreter.invoke()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            interpreter.invoke()
            times.append((time.perf_counter() - start) * 1000)
        latency = statistics.median(times)
    ops = [op["op_name"] for op in interpreter._get_ops_details()]
    return {
        "input": describe(input_detail),
        "output": describe(output_detail),
        "ops": ops,
        "latency_ms": latency,
        "tensors": [describe(t) for t in interpreter.get_tensor_details()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("inputs")
    parser.add_argument("out_dir")
    parser.add_argument("--resolvers", default="default,builtin_ref")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    inputs = np.load(args.inputs).astype(np.float32)
    if inputs.ndim < 1 or len(inputs) == 0:
        sys.exit(f"{args.inputs} holds no inputs")
    data = Path(args.model).read_bytes()
    result = {"file": file_facts(data), "bytes": len(data), "resolvers": {}}
    for resolver in args.resolvers.split(","):
        if resolver not in RESOLVERS:
            sys.exit(f"unknown resolver {resolver!r}: use {', '.join(RESOLVERS)}")
        result["resolvers"][resolver] = run(args.model, inputs, resolver, args.warmup, args.runs, out_dir)
    first = result["resolvers"][args.resolvers.split(",")[0]]
    result["input"], result["output"] = first["input"], first["output"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
