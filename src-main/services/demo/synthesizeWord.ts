/**
 * Speaks one word with espeak-ng (the Emscripten build of its command-line tool) and returns the
 * samples. espeak-ng is GPL and only a development dependency, so it is loaded on demand and never
 * bundled; a missing install turns into an error the user can act on.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export interface EspeakVoice {
  /** espeak voice, e.g. 'en-us', 'en-gb-scotland'. */
  voice: string;
  /** Voice variant, e.g. 'f3', 'm1', 'Annie'; none for the voice's default. */
  variant?: string;
  /** Base pitch 0–99 (espeak -p). */
  pitch: number;
  /** Words per minute 80–450 (espeak -s). */
  speed: number;
  /** Amplitude 0–200 (espeak -a). */
  amplitude: number;
}

export interface SynthesizedAudio {
  /** Mono samples in [-1, 1). */
  samples: Float32Array;
  /** espeak-ng renders at 22050 Hz. */
  sampleRate: number;
}

/**
 * The slice of the WebAssembly API used here. The studio's Node typings (lib ES2023, no DOM) don't
 * declare WebAssembly, so modules and instances are passed around as opaque objects.
 */
interface WasmRuntime {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}
type WasmModule = object;
type WasmInstance = object;
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

/** The part of the Emscripten module options and instance this file uses. */
interface EspeakModuleOptions {
  arguments: string[];
  thisProgram: string;
  instantiateWasm(imports: object, receive: (instance: WasmInstance) => void): object;
  print(text: string): void;
  printErr(text: string): void;
  quit(status: number, toThrow: unknown): never;
}
interface EspeakModule {
  FS: { readFile(path: string): Uint8Array };
}
type EspeakFactory = (options: EspeakModuleOptions) => Promise<EspeakModule>;

export const ESPEAK_MISSING_MESSAGE =
  "demo generation needs the espeak-ng development dependency; run npm install in the studio's source folder";

const OUTPUT_PATH = '/o.wav';
// A variable specifier keeps bundlers from inlining the GPL code into the app.
const ESPEAK_PACKAGE = 'espeak-ng';

interface LoadedEspeak {
  factory: EspeakFactory;
  wasm: WasmModule;
}

let loading: Promise<LoadedEspeak> | null = null;

/** Loads the JS glue and compiles the 18 MB wasm once; each call then only instantiates it. */
function loadEspeak(): Promise<LoadedEspeak> {
  loading ??= (async () => {
    let factory: EspeakFactory;
    let wasmPath: string;
    try {
      const imported = (await import(/* @vite-ignore */ ESPEAK_PACKAGE)) as { default: EspeakFactory };
      factory = imported.default;
      wasmPath = createRequire(import.meta.url).resolve(`${ESPEAK_PACKAGE}/dist/espeak-ng.wasm`);
    } catch (error) {
      throw new Error(ESPEAK_MISSING_MESSAGE, { cause: error });
    }
    const wasm = await wasmRuntime.compile(await readFile(wasmPath));
    return { factory, wasm };
  })();
  // A failed load may be fixed by installing; don't cache the failure.
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** Runs the espeak-ng CLI once with `args`; returns what it printed and the exit status. */
async function runEspeak(
  args: readonly string[],
): Promise<{ module: EspeakModule; status: number; stdout: string[]; stderr: string[] }> {
  const { factory, wasm } = await loadEspeak();
  const stdout: string[] = [];
  const stderr: string[] = [];
  let status = 0;
  // Emscripten ignores a failure inside instantiateWasm and would wait forever; surface it instead.
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  const started = factory({
    // Emscripten mutates the argument array, so each run gets its own.
    arguments: [...args],
    thisProgram: 'espeak-ng',
    instantiateWasm(imports, receive) {
      wasmRuntime.instantiate(wasm, withFixedClock(imports)).then(receive).catch(fail);
      return {};
    },
    print: (text) => stdout.push(text),
    printErr: (text) => stderr.push(text),
    // The default quit sets process.exitCode, which would make the host process exit with
    // espeak's status; record it instead and unwind the way Emscripten expects.
    quit(code, toThrow) {
      status = code;
      throw toThrow;
    },
  });
  const module = await Promise.race([started, failed]);
  return { module, status, stdout, stderr };
}

/** 2000-01-01T00:00:00Z: any fixed instant will do. */
const FIXED_EPOCH_MS = 946684800000;

/**
 * espeak seeds its random generator from the clock, and some variants (f3's breathiness, for one)
 * draw noise from it, so the same word rendered a second later differs. Feeding the wasm a frozen
 * wall clock and a clock that ticks per call makes every render reproducible.
 */
function withFixedClock(imports: object): object {
  let ticks = 0;
  const clock = {
    emscripten_date_now: (): number => FIXED_EPOCH_MS,
    emscripten_get_now: (): number => ++ticks,
  };
  const patched: Record<string, object> = {};
  for (const [name, functions] of Object.entries(imports as Record<string, object>)) {
    patched[name] = name === 'env' ? { ...functions, ...clock } : functions;
  }
  return patched;
}

/**
 * Speaks `text` in one espeak run. `wordGapMs` adds a pause between words (espeak -g), so a list
 * of words spoken in one run — one start-up instead of one per word, which is most of a run's cost —
 * can be cut apart at the pauses.
 */
export async function synthesizeWord(text: string, voice: EspeakVoice, wordGapMs = 0): Promise<SynthesizedAudio> {
  // espeak would read a leading '-' as an option; demo words are plain words anyway.
  if (!/^[A-Za-z][A-Za-z' -]{0,500}$/.test(text))
    throw new Error(`cannot synthesize ${JSON.stringify(text)}: use letters, spaces, hyphens or apostrophes`);
  if (!/^[a-z0-9-]+$/i.test(voice.voice) || (voice.variant !== undefined && !/^[a-z0-9_]+$/i.test(voice.variant))) {
    throw new Error(`invalid espeak voice ${voice.voice}+${voice.variant ?? ''}`);
  }
  const name = voice.variant ? `${voice.voice}+${voice.variant}` : voice.voice;
  const args = [
    '-v',
    name,
    '-p',
    String(clampInt(voice.pitch, 0, 99)),
    '-s',
    String(clampInt(voice.speed, 80, 450)),
    '-a',
    String(clampInt(voice.amplitude, 0, 200)),
    // In 10 ms units at the default speed.
    ...(wordGapMs > 0 ? ['-g', String(clampInt(wordGapMs / 10, 1, 500))] : []),
    // No -q: it suppresses the WAV output too.
    '-w',
    OUTPUT_PATH,
    text,
  ];
  const { module, status, stderr } = await runEspeak(args);
  let bytes: Uint8Array;
  try {
    bytes = module.FS.readFile(OUTPUT_PATH);
  } catch {
    // Drop Emscripten's own shutdown chatter; keep what espeak said.
    const said = stderr
      .filter((line) => !line.startsWith('program exited'))
      .join(' ')
      .trim();
    throw new Error(
      `espeak-ng produced no audio for ${JSON.stringify(text)} with voice ${name} (exit ${status}): ${said || 'no message'}`,
    );
  }
  return parsePcm16Wav(bytes);
}

/** Lists espeak voices (`--voices[=language]`), one text line per voice as the CLI prints them. */
export async function listEspeakVoices(language = ''): Promise<string[]> {
  const { stdout } = await runEspeak([language ? `--voices=${language}` : '--voices']);
  return stdout;
}

/** Reads the 16-bit mono PCM WAV espeak writes, walking the chunks instead of assuming 44 bytes. */
function parsePcm16Wav(bytes: Uint8Array): SynthesizedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number): string => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new Error('espeak-ng output is not a WAV file');
  let sampleRate = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      const format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const bits = view.getUint16(body + 14, true);
      if (format !== 1 || channels !== 1 || bits !== 16)
        throw new Error(`unexpected espeak-ng WAV format ${format}/${channels} ch/${bits} bit`);
      sampleRate = view.getUint32(body + 4, true);
    } else if (id === 'data') {
      if (sampleRate === 0) throw new Error('espeak-ng WAV has data before its format');
      // A streamed WAV may carry a placeholder size; trust the bytes actually present.
      const count = Math.floor(Math.min(size, bytes.length - body) / 2);
      const samples = new Float32Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2, true) / 32768;
      return { samples, sampleRate };
    }
    offset = body + size + (size & 1);
  }
  throw new Error('espeak-ng WAV has no data chunk');
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
