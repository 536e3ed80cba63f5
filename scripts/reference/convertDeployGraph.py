#!/usr/bin/env python3
"""
Converts a DeployGraph with TensorFlow's own TFLite converter: the reference our int8 writer is
compared with.

    .venv-ref/bin/python scripts/reference/convertDeployGraph.py GRAPH.json CALIBRATION.npy OUT.tflite \
        [--io int8|float32]

GRAPH.json is a DeployGraph (src-main/services/optimize/graph/DeployGraph.ts) as JSON, typed arrays
written as plain arrays. The script rebuilds it as a Keras model with batch 1 (Conv2D,
DepthwiseConv2D, Dense with their fused activations, Add, MaxPooling2D, GlobalAveragePooling2D,
Flatten, Softmax; layers named after the graph's layers), then runs TFLiteConverter with full-integer
post-training quantization (Optimize.DEFAULT, TFLITE_BUILTINS_INT8) over CALIBRATION.npy (N float32
model inputs) as the representative dataset. Prints one JSON line: the tflite tensor name of each
graph layer's output and its scale and zero point.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

ACTIVATIONS = {"none": None, "relu": "relu", "relu6": "relu6"}


def build(graph: dict) -> keras.Model:
    shape = graph["tensors"][graph["input"]]["shape"]
    inputs = keras.Input(tuple(shape[1:]), batch_size=1, name="input")
    values = {graph["input"]: inputs}
    for op in graph["ops"]:
        kind, name = op["kind"], op["layer"]
        activation = ACTIVATIONS.get(op.get("activation", "none"))
        if kind == "conv2d":
            out, kh, kw, cin = op["filterShape"]
            layer = keras.layers.Conv2D(
                out, (kh, kw), strides=tuple(op["stride"]), padding=op["padding"], activation=activation, name=name
            )
            result = layer(values[op["input"]])
            kernel = np.array(op["filter"], np.float32).reshape(out, kh, kw, cin).transpose(1, 2, 3, 0)
            layer.set_weights([kernel, np.array(op["bias"], np.float32)])
        elif kind == "depthwise_conv2d":
            _, kh, kw, channels = op["filterShape"]
            layer = keras.layers.DepthwiseConv2D(
                (kh, kw), strides=tuple(op["stride"]), padding=op["padding"], activation=activation, name=name
            )
            result = layer(values[op["input"]])
            kernel = np.array(op["filter"], np.float32).reshape(kh, kw, channels, 1)
            layer.set_weights([kernel, np.array(op["bias"], np.float32)])
        elif kind == "fully_connected":
            out, cin = op["weightsShape"]
            layer = keras.layers.Dense(out, activation=activation, name=name)
            result = layer(values[op["input"]])
            kernel = np.array(op["weights"], np.float32).reshape(out, cin).T
            layer.set_weights([kernel, np.array(op["bias"], np.float32)])
        elif kind == "add":
            result = keras.layers.Add(name=name)([values[i] for i in op["inputs"]])
            if activation:
                result = keras.layers.Activation(activation, name=f"{name}_activation")(result)
        elif kind == "max_pool2d":
            result = keras.layers.MaxPooling2D(
                tuple(op["filter"]), tuple(op["stride"]), op["padding"], name=name
            )(values[op["input"]])
        elif kind == "mean":
            result = keras.layers.GlobalAveragePooling2D(name=name)(values[op["input"]])
        elif kind == "reshape":
            result = keras.layers.Flatten(name=name)(values[op["input"]])
        elif kind == "softmax":
            result = keras.layers.Softmax(name=name)(values[op["input"]])
        else:
            raise SystemExit(f"unknown op kind {kind!r} (layer {name})")
        values[op["output"]] = result
    return keras.Model(inputs, values[graph["output"]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph")
    parser.add_argument("calibration")
    parser.add_argument("out")
    parser.add_argument("--io", choices=["int8", "float32"], default="int8")
    args = parser.parse_args()

    graph = json.loads(Path(args.graph).read_text())
    model = build(graph)
    shape = [1, *model.input.shape[1:]]
    calibration = np.load(args.calibration).astype(np.float32)

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([item.reshape(shape)] for item in calibration)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if args.io == "int8":
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    data = converter.convert()
    Path(args.out).write_bytes(data)

    interpreter = tf.lite.Interpreter(model_content=data)
    tensors = []
    for detail in interpreter.get_tensor_details():
        scales = detail["quantization_parameters"]["scales"]
        if len(scales) == 1:
            zero_point = int(detail["quantization_parameters"]["zero_points"][0])
            tensors.append({"name": detail["name"], "scale": float(scales[0]), "zero_point": zero_point})
    print(json.dumps({"bytes": len(data), "tensors": tensors}))


if __name__ == "__main__":
    main()
