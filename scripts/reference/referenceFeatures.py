"""
Reference feature extraction for a KWS Studio FeatureSpec (src-shared/model/FeatureSpec.ts), built
from librosa or tf.signal primitives. Shared by scripts/reference/featureFixtures.py (golden
fixtures) and bench/librosa_features.py (the librosa peer in the feature benchmark).

Both references take a clip's samples, cut or zero-pad them at the end to clipDurationMs, and return
a time-major float matrix (frames x bins). Steps after the base features that neither library
defines (deltas for tf, normalization for both) are the app's own and implemented here in numpy.

Nothing here imports TensorFlow unless `tensorflow_features` is called.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# Mirrors MIN_STD in src-shared/dsp/normalizeFeatures.ts: a row whose standard deviation is below
# this is divided by this instead, so a constant row becomes 0 rather than NaN.
MIN_STD = 1e-5

# FeatureSpec.window -> scipy.signal.get_window name (librosa passes it through with fftbins=True,
# i.e. the periodic / DFT-even window).
LIBROSA_WINDOWS = {"hann": "hann", "hamming": "hamming", "blackman": "blackman", "rectangular": "boxcar"}


def geometry(spec: dict[str, Any]) -> dict[str, int]:
    """Sample counts and frame count, as src-shared/dsp/featureGeometry.ts computes them."""
    sr = spec["sampleRate"]
    clip = round(spec["clipDurationMs"] * sr / 1000)
    win = round(spec["windowMs"] * sr / 1000)
    hop = round(spec["strideMs"] * sr / 1000)
    if spec["center"]:
        frames = 1 + clip // hop
    else:
        frames = 1 + (clip - win) // hop if clip >= win else 0
    base = {"mfcc": spec["mfccCount"], "log-mel": spec["melBins"], "spectrogram": spec["fftSize"] // 2 + 1}[spec["type"]]
    return {"clipSamples": clip, "windowSamples": win, "strideSamples": hop, "frames": frames, "baseBins": base, "bins": base * (1 + spec["deltas"])}


def fit_clip(samples: np.ndarray, spec: dict[str, Any], dtype=np.float64) -> np.ndarray:
    """Cuts or zero-pads `samples` at the end to clipDurationMs, then applies pre-emphasis."""
    n = geometry(spec)["clipSamples"]
    out = np.zeros(n, dtype=dtype)
    m = min(n, len(samples))
    out[:m] = samples[:m]
    a = spec["preEmphasis"]
    if a:
        out[1:] = out[1:] - a * out[:-1]
    return out


def _require(condition: bool, reference: str, message: str) -> None:
    if not condition:
        raise ValueError(f"the {reference} reference cannot compute this spec: {message}")


def normalize(features: np.ndarray, spec: dict[str, Any], stats: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """FeatureSpec.normalization on a time-major matrix: per feature column (x - mean) / max(std, MIN_STD),
    with the clip's own mean and population std (ddof=0) over frames for 'clip'."""
    mode = spec["normalization"]
    if mode == "none":
        return features
    if mode == "dataset":
        if stats is None:
            raise ValueError("normalization 'dataset' needs stats")
        mean, std = np.asarray(stats["mean"], np.float64), np.asarray(stats["std"], np.float64)
    else:
        mean = features.mean(axis=0, dtype=np.float64)
        std = features.std(axis=0, dtype=np.float64)
    return ((features - mean) / np.maximum(std, MIN_STD)).astype(features.dtype)


class LibrosaExtractor:
    """librosa's conventions: centred frames (zero padding of fftSize/2 on both sides, pad_mode
    'constant'), the window centred in the fftSize frame, Hz-domain triangles from
    librosa.filters.mel, power_to_db, orthonormal DCT-II, librosa's lifter and deltas.

    The mel filterbank is built once per extractor (the app builds it once per extractor too;
    librosa.feature.melspectrogram would rebuild it on every call, since librosa's joblib cache is
    off unless LIBROSA_CACHE_DIR is set). `dtype` float64 gives the golden values; float32 is what
    librosa does with float32 audio (e.g. from librosa.load)."""

    def __init__(self, spec: dict[str, Any], dtype=np.float64):
        import librosa
        import scipy.fft

        self.librosa = librosa
        self.dct = scipy.fft.dct
        self.spec = spec
        self.dtype = np.dtype(dtype)
        self.geo = geometry(spec)
        ref = "librosa"
        _require(spec["fftSize"] >= self.geo["windowSamples"], ref, "fftSize is below the window length")
        # librosa.stft(center=False) frames fftSize samples from 0 and puts the window in their
        # middle, which is not FeatureSpec's center=false (window from t*stride) unless they match.
        _require(spec["center"] or spec["fftSize"] == self.geo["windowSamples"], ref, "center=false needs windowMs == fftSize")
        _require(spec["log"] in ("db", "none"), ref, "log must be 'db' (power_to_db) or 'none'")
        if spec["type"] != "spectrogram":
            _require(spec["melTriangles"] == "hz", ref, "librosa's triangles are linear in Hz (melTriangles 'hz')")
        if spec["type"] == "mfcc":
            _require(spec["dctNorm"] == "ortho", ref, "librosa's MFCC uses the orthonormal DCT (dctNorm 'ortho')")
            _require(spec["log"] == "db", ref, "librosa's MFCC takes power_to_db of the mel spectrogram")
        self.window = LIBROSA_WINDOWS[spec["window"]]
        self.mel_basis = None
        if spec["type"] != "spectrogram":
            self.mel_basis = librosa.filters.mel(
                sr=spec["sampleRate"],
                n_fft=spec["fftSize"],
                n_mels=spec["melBins"],
                fmin=spec["lowerHz"],
                fmax=spec["upperHz"],
                htk=spec["melScale"] == "htk",
                norm="slaney" if spec["melNorm"] == "slaney" else None,
                dtype=self.dtype,
            )
        self.lifter = None
        if spec["type"] == "mfcc" and spec["lifter"] > 0:
            n = np.arange(1, 1 + spec["mfccCount"], dtype=self.dtype)
            self.lifter = (1 + (spec["lifter"] / 2) * np.sin(np.pi * n / spec["lifter"]))[:, None]

    def __call__(self, samples: np.ndarray, sample_rate: int | None = None, stats=None) -> np.ndarray:
        """Feature matrix (frames x bins) of one clip, in self.dtype."""
        librosa, spec, geo = self.librosa, self.spec, self.geo
        y = np.asarray(samples, dtype=self.dtype)
        if sample_rate is not None and sample_rate != spec["sampleRate"]:
            y = librosa.resample(y, orig_sr=sample_rate, target_sr=spec["sampleRate"]).astype(self.dtype)
        y = fit_clip(y, spec, self.dtype)
        stft = librosa.stft(
            y,
            n_fft=spec["fftSize"],
            hop_length=geo["strideSamples"],
            win_length=geo["windowSamples"],
            window=self.window,
            center=spec["center"],
            pad_mode="constant",
        )
        S = np.abs(stft)
        if spec["magnitudePower"] == 2:
            S = S**2  # as librosa's _spectrogram: np.abs(stft) ** power
        if self.mel_basis is not None:
            S = self.mel_basis @ S  # as librosa.feature.melspectrogram: einsum("...ft,mf->...mt")
        if spec["log"] == "db":
            # FeatureSpec 'db' is always 10*log10(max(x, floor)), also for magnitudes, hence
            # power_to_db (never amplitude_to_db, which would square first).
            S = librosa.power_to_db(S, ref=1.0, amin=spec["logFloor"], top_db=spec["topDb"])
        if spec["type"] == "mfcc":
            S = self.dct(S, axis=-2, type=2, norm="ortho")[: spec["mfccCount"]]
            if self.lifter is not None:
                S = S * self.lifter
        parts = [S]
        for order in range(1, spec["deltas"] + 1):
            parts.append(librosa.feature.delta(S, width=9, order=order, axis=-1, mode="interp"))
        features = np.concatenate(parts, axis=0).T  # librosa is (bins, frames); ours is time-major
        assert features.shape == (geo["frames"], geo["bins"]), (features.shape, geo)
        return normalize(np.ascontiguousarray(features, dtype=self.dtype), spec, stats)


def tensorflow_features(samples: np.ndarray, spec: dict[str, Any], dtype="float64", stats=None) -> np.ndarray:
    """tf.signal's conventions: frames from sample 0 without padding (center=false), the window at
    the start of the fftSize frame (stft zero-pads at the end), linear_to_mel_weight_matrix (HTK
    mel, triangles linear in mel, DC row zeroed, peaks 1), ln(x + floor),
    mfccs_from_log_mel_spectrograms (unnormalized DCT-II times 1/sqrt(2N))."""
    import tensorflow as tf

    ref = "tensorflow"
    geo = geometry(spec)
    _require(not spec["center"], ref, "tf.signal frames start at sample 0 (center false)")
    _require(spec["window"] in ("hann", "hamming", "rectangular"), ref, "tf.signal has hann and hamming windows")
    _require(spec["log"] in ("ln", "none"), ref, "log must be 'ln' (tf.math.log(x + floor)) or 'none'")
    _require(spec["deltas"] == 0, ref, "tf.signal has no deltas")
    if spec["type"] != "spectrogram":
        _require(spec["melScale"] == "htk" and spec["melNorm"] == "none" and spec["melTriangles"] == "mel", ref,
                 "linear_to_mel_weight_matrix is HTK mel, triangles linear in mel, unnormalized")
    if spec["type"] == "mfcc":
        _require(spec["dctNorm"] == "tensorflow" and spec["lifter"] == 0 and spec["log"] == "ln", ref,
                 "mfccs_from_log_mel_spectrograms takes ln mel, its own DCT scale and no lifter")
    tf_dtype = tf.as_dtype(dtype)
    y = tf.constant(fit_clip(np.asarray(samples, np.float64), spec, np.float64), dtype=tf_dtype)
    window_fn = {
        "hann": tf.signal.hann_window,
        "hamming": tf.signal.hamming_window,
        "rectangular": None,
    }[spec["window"]]
    stft = tf.signal.stft(
        y,
        frame_length=geo["windowSamples"],
        frame_step=geo["strideSamples"],
        fft_length=spec["fftSize"],
        window_fn=window_fn,  # periodic=True by default
        pad_end=False,
    )
    S = tf.abs(stft)
    if spec["magnitudePower"] == 2:
        S = S**2
    if spec["type"] != "spectrogram":
        mel_matrix = tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=spec["melBins"],
            num_spectrogram_bins=spec["fftSize"] // 2 + 1,
            sample_rate=spec["sampleRate"],
            lower_edge_hertz=spec["lowerHz"],
            upper_edge_hertz=spec["upperHz"],
            dtype=tf_dtype,
        )
        S = tf.tensordot(S, mel_matrix, 1)
    if spec["log"] == "ln":
        S = tf.math.log(S + spec["logFloor"])
    if spec["type"] == "mfcc":
        S = tf.signal.mfccs_from_log_mel_spectrograms(S)[..., : spec["mfccCount"]]
    features = S.numpy()
    assert features.shape == (geo["frames"], geo["bins"]), (features.shape, geo)
    return normalize(features, spec, stats)


def features(reference: str, samples: np.ndarray, spec: dict[str, Any], dtype="float64") -> np.ndarray:
    if reference == "librosa":
        return LibrosaExtractor(spec, dtype)(samples)
    if reference == "tensorflow":
        return tensorflow_features(samples, spec, dtype)
    raise ValueError(f"unknown reference {reference!r}")


def mel_centers_hz(spec: dict[str, Any], reference: str) -> np.ndarray:
    """Centre frequency of each mel band, for sanity checks."""
    if reference == "librosa":
        import librosa

        return librosa.mel_frequencies(spec["melBins"] + 2, fmin=spec["lowerHz"], fmax=spec["upperHz"], htk=spec["melScale"] == "htk")[1:-1]
    lo, hi = (1127.0 * math.log1p(f / 700.0) for f in (spec["lowerHz"], spec["upperHz"]))
    mels = np.linspace(lo, hi, spec["melBins"] + 2)[1:-1]
    return 700.0 * np.expm1(mels / 1127.0)
