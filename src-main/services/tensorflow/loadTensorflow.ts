import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type TensorflowModule = typeof import('@tensorflow/tfjs-node');

export interface LoadedTensorflow {
  tf: TensorflowModule;
  backend: string;
  native: boolean;
  /** The libtensorflow version behind the native backend, or 'none'. */
  tensorflowVersion: string;
  /** Why the native backend is missing, when it is. */
  problem?: string;
}

let loaded: Promise<LoadedTensorflow> | undefined;

/**
 * Loads TensorFlow once per process: the native tfjs-node binding when it loads, otherwise the
 * pure-JavaScript backend (hundreds of times slower) with the reason recorded, so the UI and the
 * CLI can warn loudly instead of training silently slowly.
 */
export function loadTensorflow(): Promise<LoadedTensorflow> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<LoadedTensorflow> {
  // TensorFlow's C++ logging goes straight to stderr; keep only errors.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    const tf = (await import('@tensorflow/tfjs-node')) as TensorflowModule;
    await tf.ready();
    const binding = (tf.backend() as unknown as { binding?: { TF_Version?: string } }).binding;
    return {
      tf,
      backend: tf.getBackend(),
      native: tf.getBackend() === 'tensorflow',
      tensorflowVersion: binding?.TF_Version ?? 'unknown',
    };
  } catch (error) {
    const problem = `${nativeInstallProblem() ?? 'the native binding did not load'}: ${(error as Error).message.split('\n')[0]}`;
    const tf = (await import('@tensorflow/tfjs')) as unknown as TensorflowModule;
    await tf.setBackend('cpu');
    return { tf, backend: tf.getBackend(), native: false, tensorflowVersion: 'none', problem };
  }
}

/** The postinstall step records why it could not provide the native library. */
function nativeInstallProblem(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
    const marker = path.join(packageDir, '..', '..', '.kws-studio-native-tf.json');
    const status = JSON.parse(fs.readFileSync(marker, 'utf8')) as { native?: boolean; reason?: string };
    return status.native === false ? status.reason : undefined;
  } catch {
    return undefined;
  }
}
