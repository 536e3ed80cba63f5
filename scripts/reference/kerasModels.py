"""
Keras twins of KWS Studio's training pieces, for the reference benchmarks (bench/keras_training.py):
the models of a ModelSpec (src-shared/model/ModelSpec.ts), the optimizers and learning-rate
schedules of a TrainSpec (src-shared/model/TrainSpec.ts), built to match
src-main/services/training/ (models/build*.ts, createOptimizer.ts, learningRateAt.ts) layer for layer
and formula for formula.

Import this only after TensorFlow's environment (log level, threads) is set: it imports keras.

What matches ours exactly: layer order, shapes, padding, biases (none before a batch norm), Glorot-
uniform kernels with Keras's fans (depthwise: fan_in = kh·kw·C, fan_out = kh·kw), zero biases, BN
gamma 1 / beta 0, BN momentum 0.9 (ours; build_model's bn_momentum) and epsilon 1e-3, L2 as
l2·Σw² over every conv, depthwise and dense kernel (not biases, not BN), the optimizer update rules
(Keras's own, which ours copies), the learning rate of every optimizer step.
What differs, negligibly: Keras 3's BatchNormalization moves its moving variance with the biased
batch variance (ours, like TF's fused kernel, the unbiased one: a factor n/(n−1) with n = batch ·
height · width, e.g. 1.0001); it only affects inference-mode outputs.
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import layers, ops

# As src-main/services/training/models/batchNorm.ts: Keras's epsilon, but momentum 0.9 rather than
# Keras's 0.99 (on small keyword datasets 0.99's moving averages trail the weights for hundreds of
# steps: FSDD's validation accuracy sits at chance for ~12 epochs).
BATCH_NORM_MOMENTUM = 0.9
BATCH_NORM_EPSILON = 1e-3

MODEL_KINDS = ("tiny_conv", "conv", "low_latency_conv", "ds_cnn", "rep_inception")


def scaled_filters(filters: int, width_multiplier: float) -> int:
    """buildDsCnn.ts scaledFilters: Math.max(1, Math.round(filters · multiplier)) (halves round up)."""
    return max(1, math.floor(filters * width_multiplier + 0.5))


class _Builder:
    """A Sequential-style stack on the functional API, with our layers' conventions."""

    def __init__(self, inputs: keras.KerasTensor, l2: float, seed: int, bn_momentum: float):
        self.x = inputs
        self.bn_momentum = bn_momentum
        self.regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
        self.seed = seed
        self.dropouts = 0

    def conv(self, name: str, filters: int, kernel, stride=(1, 1), padding="same", batch_norm=False, relu=True, x=None) -> keras.KerasTensor:
        y = layers.Conv2D(
            filters, tuple(kernel), strides=tuple(stride), padding=padding, use_bias=not batch_norm,
            kernel_regularizer=self.regularizer, name=name,
        )(self.x if x is None else x)
        if batch_norm:
            y = layers.BatchNormalization(momentum=self.bn_momentum, epsilon=BATCH_NORM_EPSILON, name=f"{name}_bn")(y)
        return layers.ReLU(name=f"{name}_relu")(y) if relu else y

    def depthwise(self, name: str, kernel, batch_norm=True, relu=True, x=None) -> keras.KerasTensor:
        y = layers.DepthwiseConv2D(
            tuple(kernel), strides=(1, 1), padding="same", use_bias=not batch_norm,
            depthwise_regularizer=self.regularizer, name=name,
        )(self.x if x is None else x)
        if batch_norm:
            y = layers.BatchNormalization(momentum=self.bn_momentum, epsilon=BATCH_NORM_EPSILON, name=f"{name}_bn")(y)
        return layers.ReLU(name=f"{name}_relu")(y) if relu else y

    def dropout(self, rate: float) -> None:
        self.dropouts += 1
        if rate > 0:
            self.x = layers.Dropout(rate, seed=self.seed + self.dropouts, name=f"dropout{self.dropouts}")(self.x)

    def dense(self, name: str, units: int) -> None:
        self.x = layers.Dense(units, kernel_regularizer=self.regularizer, name=name)(self.x)


def build_model(
    spec: dict[str, Any], frames: int, bins: int, classes: int, l2: float = 0.0, seed: int = 0, bn_momentum: float = BATCH_NORM_MOMENTUM
) -> keras.Model:
    """The model of a ModelSpec on inputs [frames, bins, 1], returning logits (no softmax)."""
    kind = spec["kind"]
    inputs = keras.Input((frames, bins, 1), name="features")
    b = _Builder(inputs, l2, seed, bn_momentum)
    if kind == "tiny_conv":
        b.x = b.conv("conv1", 8, (10, 8), (2, 2))
        b.dropout(spec["dropout"])
        b.x = layers.Flatten(name="flatten")(b.x)
        b.dense("fc", classes)
    elif kind == "conv":
        b.x = b.conv("conv1", 64, (20, 8))
        b.dropout(spec["dropout"])
        b.x = layers.MaxPooling2D((2, 2), strides=(2, 2), padding="same", name="pool1")(b.x)
        b.x = b.conv("conv2", 64, (10, 4))
        b.dropout(spec["dropout"])
        b.x = layers.Flatten(name="flatten")(b.x)
        b.dense("fc", classes)
    elif kind == "low_latency_conv":
        b.x = b.conv("conv1", 186, (frames, 8), padding="valid")
        b.dropout(spec["dropout"])
        b.x = layers.Flatten(name="flatten")(b.x)
        b.dense("fc1", 128)  # no activation, as in TF speech_commands models.py
        b.dropout(spec["dropout"])
        b.dense("fc2", 128)
        b.dropout(spec["dropout"])
        b.dense("fc3", classes)
    elif kind in ("ds_cnn", "rep_inception"):
        first, width = spec["firstConv"], spec["widthMultiplier"]
        b.x = b.conv("conv1", scaled_filters(first["filters"], width), first["kernel"], first["stride"], batch_norm=True)
        for index, filters in enumerate(spec["blocks"]):
            block = f"block{index + 1}"
            if kind == "ds_cnn":
                b.x = b.depthwise(f"{block}_depthwise", spec["blockKernel"])
            else:
                # Training form: parallel 1×k then k×1 depthwise branches, each with its own BN, summed, ReLU.
                branches = [b.depthwise(f"{block}_branch_1x{k}", (1, k), relu=False) for k in spec["branchKernels"]]
                branches += [b.depthwise(f"{block}_branch_{k}x1", (k, 1), relu=False) for k in spec["branchKernels"]]
                y = branches[0] if len(branches) == 1 else layers.Add(name=f"{block}_sum")(branches)
                b.x = layers.ReLU(name=f"{block}_relu")(y)
            b.x = b.conv(f"{block}_pointwise", scaled_filters(filters, width), (1, 1), batch_norm=True)
        b.x = layers.GlobalAveragePooling2D(name="pool")(b.x)
        b.dropout(spec["dropout"])
        b.dense("fc", classes)
    else:
        raise ValueError(f"unknown model kind {kind!r} (known: {', '.join(MODEL_KINDS)})")
    return keras.Model(inputs, b.x, name=kind)


def total_steps(schedule: dict[str, Any], epochs: int, steps_per_epoch: int) -> int:
    """learningRateAt.ts totalStepsOf: a piecewise schedule's own total, else epochs × steps per epoch."""
    return sum(schedule["steps"]) if schedule["kind"] == "piecewise" else epochs * steps_per_epoch


def learning_rate_at(schedule: dict[str, Any], step: int, total: int) -> float:
    """learningRateAt.ts in plain Python (the reference for SpecSchedule's tests)."""
    progress = min(1.0, step / (total - 1)) if total > 1 else 1.0
    kind = schedule["kind"]
    if kind == "constant":
        return schedule["rate"]
    if kind == "piecewise":
        end = 0
        for steps, rate in zip(schedule["steps"], schedule["rates"]):
            end += steps
            if step < end:
                return rate
        return schedule["rates"][-1]
    if kind == "exponential":
        return schedule["initial"] * (schedule["final"] / schedule["initial"]) ** progress
    if kind == "polynomial":
        return (schedule["initial"] - schedule["final"]) * (1 - progress) ** schedule["power"] + schedule["final"]
    if kind == "cosine":
        warmup = schedule["warmupSteps"]
        if step < warmup:
            return schedule["initial"] * (step + 1) / warmup
        span = max(1, total - 1 - warmup)
        after = min(1.0, (step - warmup) / span)
        return schedule["final"] + 0.5 * (schedule["initial"] - schedule["final"]) * (1 + math.cos(math.pi * after))
    if kind == "cyclical":
        position = (step / schedule["stepsPerHalfCycle"]) % 2
        return schedule["low"] + (schedule["high"] - schedule["low"]) * (1 - abs(position - 1))
    raise ValueError(f"unknown schedule kind {kind!r}")


class SpecSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """A ScheduleSpec as a Keras schedule, evaluated per optimizer update (0-based), like learningRateAt.ts.

    Keras calls a schedule with the optimizer's raw batch counter; with gradient accumulation over n
    batches that counter runs n times faster than updates, so it is divided by `accumulation`.
    """

    def __init__(self, schedule: dict[str, Any], total: int, accumulation: int = 1):
        super().__init__()
        self.schedule = schedule
        self.total = int(total)
        self.accumulation = max(1, int(accumulation))

    def __call__(self, step):
        s = self.schedule
        step = ops.cast(step, "float32")
        if self.accumulation > 1:
            step = ops.floor(step / self.accumulation)
        total = self.total
        progress = ops.minimum(1.0, step / (total - 1)) if total > 1 else ops.ones_like(step)
        kind = s["kind"]
        if kind == "constant":
            return ops.full_like(step, s["rate"])
        if kind == "piecewise":
            rate = ops.full_like(step, s["rates"][-1])
            ends = [sum(s["steps"][: i + 1]) for i in range(len(s["steps"]))]
            for end, value in reversed(list(zip(ends, s["rates"]))):
                rate = ops.where(step < end, value, rate)
            return rate
        if kind == "exponential":
            return s["initial"] * ops.power(s["final"] / s["initial"], progress)
        if kind == "polynomial":
            return (s["initial"] - s["final"]) * ops.power(1.0 - progress, float(s["power"])) + s["final"]
        if kind == "cosine":
            warmup = s["warmupSteps"]
            span = max(1, total - 1 - warmup)
            after = ops.clip((step - warmup) / span, -1.0, 1.0)
            decayed = s["final"] + 0.5 * (s["initial"] - s["final"]) * (1.0 + ops.cos(math.pi * after))
            if warmup <= 0:
                return decayed
            return ops.where(step < warmup, s["initial"] * (step + 1.0) / warmup, decayed)
        if kind == "cyclical":
            position = ops.mod(step / s["stepsPerHalfCycle"], 2.0)
            return s["low"] + (s["high"] - s["low"]) * (1.0 - ops.abs(position - 1.0))
        raise ValueError(f"unknown schedule kind {kind!r}")

    def get_config(self):
        return {"schedule": self.schedule, "total": self.total, "accumulation": self.accumulation}


def build_optimizer(spec: dict[str, Any], learning_rate, accumulation: int = 1) -> keras.optimizers.Optimizer:
    """An OptimizerSpec as the Keras optimizer whose update rule createOptimizer.ts copies."""
    extra = {"gradient_accumulation_steps": accumulation} if accumulation > 1 else {}
    kind = spec["kind"]
    if kind == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=float(spec["momentum"]), nesterov=bool(spec["nesterov"]), **extra)
    if kind == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=float(spec["beta1"]), beta_2=float(spec["beta2"]), epsilon=float(spec["epsilon"]), **extra)
    if kind == "adamw":
        return keras.optimizers.AdamW(
            learning_rate, weight_decay=float(spec["weightDecay"]), beta_1=float(spec["beta1"]), beta_2=float(spec["beta2"]),
            epsilon=float(spec["epsilon"]), **extra,
        )
    raise ValueError(f"unknown optimizer kind {kind!r}")
