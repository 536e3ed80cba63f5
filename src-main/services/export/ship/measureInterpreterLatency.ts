import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resourcesDir } from '../../features/loadFeaturePresets.ts';

/** A Python with tensorflow installed, for timing exported models with TensorFlow Lite's own interpreter. */
export const TFLITE_PYTHON_VARIABLE = 'KWS_STUDIO_TFLITE_PYTHON';

export interface InterpreterLatency {
  latencyMs: { default: number; reference: number } | null;
  /** Why there is no latency, or which interpreter measured it. */
  note: string | null;
}

/**
 * TensorFlow Lite's interpreter latency of a model (median ms after warm-up, default and reference
 * kernels, one thread), through `resources/tflite/time_tflite.py`. The studio does not bundle
 * TensorFlow's Python runtime: this runs only when KWS_STUDIO_TFLITE_PYTHON names a Python that has
 * it (`bash scripts/reference/setup-venv.sh` makes one); otherwise it says so and measures nothing.
 */
export async function measureInterpreterLatency(bytes: Uint8Array): Promise<InterpreterLatency> {
  const python = process.env[TFLITE_PYTHON_VARIABLE];
  if (!python) {
    return {
      latencyMs: null,
      note: `not measured: set ${TFLITE_PYTHON_VARIABLE} to a Python with tensorflow to time the model with TensorFlow Lite's interpreter`,
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-tflite-time-'));
  const model = path.join(folder, 'model.tflite');
  try {
    fs.writeFileSync(model, bytes);
    const script = path.join(resourcesDir(), 'tflite', 'time_tflite.py');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(python, [script, model], { timeout: 120_000, maxBuffer: 1 << 20 }, (error, out, err) =>
        error
          ? reject(new Error(`${error.message.split('\n')[0]}${err ? `: ${err.trim().split('\n').at(-1)}` : ''}`))
          : resolve(out),
      ),
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      default_ms: number;
      reference_ms: number;
      tensorflow: string;
    };
    return {
      latencyMs: { default: result.default_ms, reference: result.reference_ms },
      note: `TensorFlow Lite ${result.tensorflow} interpreter, one thread, median of 200 runs after 100 warm-ups`,
    };
  } catch (error) {
    return {
      latencyMs: null,
      note: `not measured: ${python} could not time the model (${error instanceof Error ? error.message : String(error)})`,
    };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
