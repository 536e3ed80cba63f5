import type { FeatureSpec } from './FeatureSpec.ts';

/**
 * The formats a finished run can be exported to. Each is a bundle of files with a `manifest.json`
 * describing what a device needs to feed the model: a TFLite flatbuffer (float32 or full-integer
 * int8), the same flatbuffer as a TFLite Micro C array, or the TF.js layers model training saved.
 */
export const exportFormats = ['tflite', 'tflm', 'tfjs'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Weights and activations of a TFLite model: float32, or int8 by post-training quantization. */
export const exportQuantizations = ['int8', 'float32'] as const;
export type ExportQuantization = (typeof exportQuantizations)[number];

/**
 * The type of an int8 model's input and output tensors: int8 (a microcontroller feeds quantized
 * features) or float32 (QUANTIZE / DEQUANTIZE at the edges, for a script that feeds float features).
 */
export const exportIoTypes = ['int8', 'float32'] as const;
export type ExportIoType = (typeof exportIoTypes)[number];

/** How a TFLite or TFLite Micro bundle is made; TF.js ignores these. */
export interface ExportOptions {
  /** Default int8. */
  quantize?: ExportQuantization | undefined;
  /** Default: int8 for tflm, float32 for tflite. float32 models always have float32 I/O. */
  io?: ExportIoType | undefined;
  /** Representative training inputs that set int8 activation ranges. Default 300 (fewer if training has fewer). */
  calibration?: number | undefined;
}

export const DEFAULT_CALIBRATION_INPUTS = 300;

/**
 * The I/O type a format starts with: a microcontroller feeds int8 features (tflm), a script on a
 * phone or a Raspberry Pi feeds float ones (tflite).
 */
export function defaultExportIo(format: ExportFormat): ExportIoType {
  return format === 'tflm' ? 'int8' : 'float32';
}

/**
 * A bundle's name after the run id (`tflite-int8`, `tflite-int8-float-io`, `tflm-int8`, `tfjs`): a
 * downloaded archive and an export into a chosen folder are named alike, so two forms of one run
 * never land in one folder.
 */
export function exportBundleSuffix(choice: {
  format: ExportFormat;
  quantize: ExportQuantization;
  io: ExportIoType;
}): string {
  if (choice.format === 'tfjs') return 'tfjs';
  const io = choice.quantize === 'int8' && choice.io === 'float32' ? '-float-io' : '';
  return `${choice.format}-${choice.quantize}${io}`;
}

/** Sizes of one model file, each named by how it was measured. */
export interface ModelFileSizes {
  rawBytes: number;
  /**
   * zlib (deflate with the zlib header) at level 9, by Node's zlib: the measure KWS papers and homework
   * report. Python's zlib.compress(data, 9) links another zlib build and can differ by about 1 %.
   */
  zlibBytes: number;
  /** A zip archive holding only the model file, deflate level 9 (TF Model Optimization's measure). */
  zipBytes: number;
}

/** One int8 tensor's quantization: real = scale × (q − zeroPoint). */
export interface TensorQuantizationInfo {
  scale: number;
  zeroPoint: number;
}

/**
 * What a TFLite export measured of the model it wrote: sizes, accuracy on the run's test clips as the
 * run computed it (float) and as the written model computes it (the studio's int8 engine, which
 * follows TFLite's reference kernels), the share of clips where both agree, and TFLite Micro's needs.
 */
export interface ShipReport {
  quantize: ExportQuantization;
  io: ExportIoType;
  /** The .tflite file's name inside the bundle. */
  modelFile: string;
  sizes: ModelFileSizes;
  /** The split the model was measured on: test, or validation / train for a run without test clips. */
  evaluationSplit: 'test' | 'validation' | 'train';
  /** Clips evaluated (clips with audio; generated silence examples are left out). */
  testClips: number;
  /** Accuracy of the float model (the studio's own) on those clips, 0..1. */
  floatAccuracy: number;
  /** Accuracy of the written model on those clips; equals floatAccuracy's model for float32 exports. */
  modelAccuracy: number;
  /** Share of clips whose predicted label is the same for the written model and the float model, 0..1. */
  agreement: number;
  /** Inputs the int8 activation ranges came from; 0 for float32. */
  calibrationInputs: number;
  /** The ops the model uses (TFLite builtin names): what a TFLite Micro op resolver must register. */
  ops: string[];
  /** Estimated TFLite Micro tensor arena for the activations, bytes (the model's own weights stay in flash). */
  arenaBytes: number;
  /** Multiply-accumulates of one inference. */
  macs: number;
  /** Feature extraction (the front end) of one clip on this machine, median ms. */
  frontEndMs: number;
  /**
   * TensorFlow Lite's interpreter timings, median ms after warm-up, with the default (XNNPACK) and the
   * reference kernels; null when no interpreter was available to measure (see `latencyNote`).
   */
  interpreterLatencyMs: { default: number; reference: number } | null;
  latencyNote: string | null;
  input: { shape: number[]; dtype: ExportIoType; quantization: TensorQuantizationInfo | null };
  output: { shape: number[]; dtype: ExportIoType; quantization: TensorQuantizationInfo | null };
}

/** What a format is and produces, for a format picker and `kws-studio export --help`. */
export interface ExportFormatInfo {
  format: ExportFormat;
  name: string;
  /** Where the bundle runs and how it is loaded. */
  description: string;
  /** The files of a bundle, as names or patterns (`weights.bin`, `*.tflite`), manifest.json included. */
  files: string[];
}

export interface ExportedFile {
  /** Relative to the bundle's folder, with `/` separators. */
  path: string;
  bytes: number;
}

/** What `exportRun` wrote into the folder the user chose. */
export interface ExportResult {
  runId: string;
  format: ExportFormat;
  /** The bundle's folder, absolute. */
  directory: string;
  files: ExportedFile[];
  /** Sum of the files' sizes. */
  bytes: number;
  /** What the bundle cannot carry, said so a user can act on it (also in manifest.json). */
  warnings: string[];
  /** TFLite and TFLite Micro bundles: what was measured of the written model; null for TF.js. */
  report: ShipReport | null;
}

/** The same bundle as one zip archive, for a browser's download. */
export interface ExportArchive {
  runId: string;
  format: ExportFormat;
  /** A name for the download, e.g. `run-20250101-120000-abc123-tfjs.zip`. */
  fileName: string;
  mimeType: 'application/zip';
  /** The zip file; its entries sit in one folder named like the archive. */
  data: Uint8Array;
  files: ExportedFile[];
  warnings: string[];
  report: ShipReport | null;
}

/** `manifest.json` of every bundle: what a device needs to compute the model's input and read its output. */
export interface ExportManifest {
  generator: string;
  format: ExportFormat;
  createdAt: string;
  run: { id: string; name: string; specHash: string; finishedAt: string | null; testAccuracy: number };
  /** The model's outputs, in order. */
  labels: string[];
  /**
   * Batch, time frames, feature bins, channels; rows are time, row-major. An int8 input takes
   * q = round(x / scale) + zeroPoint of the normalized features x, clamped to [−128, 127].
   */
  input: { shape: number[]; dtype: ExportIoType; quantization: TensorQuantizationInfo | null };
  /**
   * Batch, labels. TF.js: scores before softmax (the highest is the answer). TFLite: softmax
   * probabilities; an int8 output reads p = scale × (q − zeroPoint).
   */
  output: {
    shape: number[];
    dtype: ExportIoType;
    values: 'logits' | 'probabilities';
    quantization: TensorQuantizationInfo | null;
  };
  /** The front end: how a clip becomes the input (normalization included, see `features.normalization`). */
  features: FeatureSpec;
  /**
   * The constants of `features.normalization`: "dataset" subtracts `mean` and divides by `std` per
   * feature bin (statistics of the run's training split); "clip" uses each clip's own (nothing to carry);
   * "none" leaves features as computed.
   */
  normalization: { kind: FeatureSpec['normalization']; mean: number[] | null; std: number[] | null; minStd: number };
  /** TFLite bundles: how the model was made and what was measured of it. */
  tflite: ShipReport | null;
  /** Every other file of the bundle. */
  files: ExportedFile[];
  warnings: string[];
}
