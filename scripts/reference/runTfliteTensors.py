#!/usr/bin/env python3
"""
Runs an int8 .tflite model with TensorFlow's reference kernels and keeps every tensor, the check of
the studio's int8 engine op by op (src-main/services/optimize/int8).

    .venv-ref/bin/python scripts/reference/runTfliteTensors.py MODEL.tflite INPUTS.npy OUT_DIR

INPUTS.npy holds N inputs already in the model input's own dtype (int8 for an int8-input model), so
no quantization happens here. The interpreter uses OpResolverType.BUILTIN_REF with
experimental_preserve_all_tensors=True. For every tensor that is not a constant it writes
OUT_DIR/tensor_<index>.npy (N x values, the tensor's dtype), and prints one JSON line: the tensors
written (index, name, dtype, shape, file) and the executed ops (name, inputs, outputs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("inputs")
    parser.add_argument("out_dir")
    args = parser.parse_args()

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    interpreter = tf.lite.Interpreter(
        model_path=args.model,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF,
        experimental_preserve_all_tensors=True,
    )
    interpreter.allocate_tensors()
    input_detail = interpreter.get_input_details()[0]
    shape = tuple(int(d) for d in input_detail["shape"])
    inputs = np.load(args.inputs)
    if inputs.dtype != input_detail["dtype"]:
        sys.exit(f"{args.inputs} holds {inputs.dtype}, the model input is {np.dtype(input_detail['dtype']).name}")
    if len(inputs) == 0 or inputs[0].size != int(np.prod(shape)):
        sys.exit(f"{args.inputs} has shape {list(inputs.shape)}, the model takes {list(shape)} per input")

    ops = interpreter._get_ops_details()
    produced = sorted({int(t) for op in ops for t in list(op["outputs"]) + list(op["inputs"]) if t >= 0})
    details = {d["index"]: d for d in interpreter.get_tensor_details()}
    # Constants (weights, biases, axes, shapes) have a buffer; activations are what the ops write.
    constants = constant_indices(args.model)
    activations = [i for i in produced if i in details and i not in constants]
    values: dict[int, list[np.ndarray]] = {i: [] for i in activations}
    for item in inputs:
        interpreter.set_tensor(input_detail["index"], item.reshape(shape))
        interpreter.invoke()
        for i in activations:
            values[i].append(interpreter.get_tensor(i).reshape(-1).copy())
    written = []
    for i in activations:
        file = out_dir / f"tensor_{i}.npy"
        np.save(file, np.stack(values[i]))
        d = details[i]
        written.append(
            {
                "index": i,
                "name": d["name"],
                "dtype": np.dtype(d["dtype"]).name,
                "shape": [int(s) for s in d["shape"]],
                "file": str(file),
            }
        )
    print(
        json.dumps(
            {
                "tensors": written,
                "ops": [
                    {"name": op["op_name"], "inputs": [int(t) for t in op["inputs"]], "outputs": [int(t) for t in op["outputs"]]}
                    for op in ops
                ],
            }
        )
    )


def constant_indices(model_path: str) -> set[int]:
    """Tensors whose buffer holds data in the file."""
    from tensorflow.lite.python import schema_py_generated as schema

    model = schema.Model.GetRootAs(Path(model_path).read_bytes(), 0)
    subgraph = model.Subgraphs(0)
    constants = set()
    for i in range(subgraph.TensorsLength()):
        buffer = subgraph.Tensors(i).Buffer()
        if buffer > 0 and model.Buffers(buffer).DataLength() > 0:
            constants.add(i)
    return constants


if __name__ == "__main__":
    main()
