/**
 * Generates a small synthetic keyword-spotting dataset in the Speech Commands layout, so the studio
 * can be tried end to end without downloading anything:
 *
 *   <outDir>/<word>/<speaker>_nohash_<take>.wav     1 s, 16 kHz, mono, 16-bit
 *   <outDir>/_background_noise_/<name>.wav          30 s of noise texture
 *
 * Everything derives from the seed: the same seed writes byte-identical files.
 */
import { mkdir, mkdtemp, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRandom, hashSeed } from '../../../src-shared/dsp/random.ts';
import { generateNoise, type NoiseKind } from '../../../src-shared/dsp/noise.ts';
import { resample } from '../../../src-shared/dsp/resample.ts';
import { synthesizeWord, type EspeakVoice } from './synthesizeWord.ts';

export const DEMO_KEYWORDS: readonly string[] = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
export const DEMO_UNKNOWN_WORDS: readonly string[] = ['bed', 'bird', 'cat', 'dog', 'house', 'tree'];
export const BACKGROUND_NOISE_FOLDER = '_background_noise_';

export interface DemoDatasetOptions {
  outDir: string;
  /** Default 1. */
  seed?: number;
  /** Clips per keyword, default 60, at least 1. */
  clipsPerWord?: number;
  /** Clips per unknown-class word, default 12; 0 leaves the unknown words out. */
  unknownClipsPerWord?: number;
  /** Processes that synthesize words in parallel; 1 renders in this process. Output is the same either way. */
  workers?: number;
  onProgress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
}

/** One word's clips: what a worker process renders and writes. */
export interface WordJob {
  seed: number;
  word: string;
  count: number;
  /** The dataset folder being written; the clips go to `<dir>/<word>/`. */
  dir: string;
}

export interface DemoDatasetSummary {
  outDir: string;
  seed: number;
  words: string[];
  unknownWords: string[];
  clipsPerWord: number;
  unknownClipsPerWord: number;
  /** Distinct synthetic speakers. */
  speakers: number;
  /** Speech clips written (keywords and unknown words). */
  files: number;
  /** Background-noise files written. */
  noiseFiles: number;
  /** Wall-clock time the generation took. */
  seconds: number;
}

const SAMPLE_RATE = 16000;
const CLIP_SAMPLES = SAMPLE_RATE;
/** Longest the spoken word may be inside the 1 s window. */
const MAX_SPEECH_SAMPLES = Math.round(0.95 * SAMPLE_RATE);
const SPEAKER_COUNT = 20;
const NOISE_SECONDS = 30;
const NOISE_FILES: readonly { name: string; kind: NoiseKind; rms: number }[] = [
  { name: 'white_noise', kind: 'white', rms: 0.1 },
  { name: 'pink_noise', kind: 'pink', rms: 0.1 },
  { name: 'brown_noise', kind: 'brown', rms: 0.1 },
  { name: 'rain', kind: 'rain', rms: 0.08 },
  { name: 'hum', kind: 'hum', rms: 0.08 },
];
const MAX_CLIPS_PER_WORD = 10000;

// en-us-nyc is left out: it rendered these words identically to en-us.
const VOICES: readonly string[] = ['en-us', 'en-us', 'en-us', 'en-gb', 'en-gb-x-rp', 'en-gb-scotland', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd', 'en-029'];
// 'david' is left out: it asks for the Klatt synthesiser, which this build lacks.
const VARIANTS: readonly string[] = [
  'f1', 'f2', 'f3', 'f4', 'f5', 'Annie', 'belinda', 'linda', 'steph', 'anika',
  'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'Alex', 'Andy', 'Mike', 'paul', 'quincy', 'robert', 'zac', 'max',
];

interface Speaker extends Omit<EspeakVoice, 'speed'> {
  id: string;
  /** Centre of this speaker's speaking rate, words per minute. */
  baseSpeed: number;
}

interface ClipPlan {
  word: string;
  speaker: Speaker;
  take: number;
  /** Index among the word's clips; with the seed and word it seeds the clip's own stream. */
  index: number;
}

export async function generateDemoDataset(options: DemoDatasetOptions): Promise<DemoDatasetSummary> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const clipsPerWord = checkCount('clipsPerWord', options.clipsPerWord ?? 60, 1);
  const unknownClipsPerWord = checkCount('unknownClipsPerWord', options.unknownClipsPerWord ?? 12, 0);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  const { signal, onProgress } = options;
  signal?.throwIfAborted();

  const outDir = path.resolve(options.outDir);
  await assertUsableOutDir(outDir);

  const unknownWords = unknownClipsPerWord > 0 ? [...DEMO_UNKNOWN_WORDS] : [];
  const words = [
    ...DEMO_KEYWORDS.map((word) => ({ word, count: clipsPerWord })),
    ...unknownWords.map((word) => ({ word, count: unknownClipsPerWord })),
  ];
  const clipCount = words.reduce((sum, item) => sum + item.count, 0);
  const total = clipCount + NOISE_FILES.length;

  await mkdir(path.dirname(outDir), { recursive: true });
  // Everything is written into a sibling folder and renamed into place at the end, so a crash
  // or an abort never leaves a half-written dataset (or WAV) under the requested name.
  const partialDir = await mkdtemp(`${outDir}.partial-${process.pid}-`);
  try {
    let done = 0;
    onProgress?.(done, total, 'Starting');
    const onClip = (file: string) => onProgress?.(++done, total, file);
    const jobs = words.map(({ word, count }) => ({ seed, word, count, dir: partialDir }));
    const workers = Math.min(options.workers ?? 1, jobs.length);
    if (workers > 1) {
      const { renderWordsInWorkers } = await import('./renderWordsInWorkers.ts');
      await renderWordsInWorkers(jobs, workers, onClip, signal);
    } else {
      for (const job of jobs) await writeWordClips(job, onClip, signal);
    }

    const noiseFolder = path.join(partialDir, BACKGROUND_NOISE_FOLDER);
    await mkdir(noiseFolder, { recursive: true });
    for (const noise of NOISE_FILES) {
      signal?.throwIfAborted();
      const samples = generateNoise(noise.kind, {
        length: NOISE_SECONDS * SAMPLE_RATE,
        sampleRate: SAMPLE_RATE,
        random: createRandom(hashSeed(seed, 'background', noise.name)),
        rms: noise.rms,
      });
      await writeFile(path.join(noiseFolder, `${noise.name}.wav`), encodeWav16(samples, SAMPLE_RATE));
      done++;
      onProgress?.(done, total, `${BACKGROUND_NOISE_FOLDER}/${noise.name}.wav`);
    }

    signal?.throwIfAborted();
    await publish(partialDir, outDir);
  } catch (error) {
    await rm(partialDir, { recursive: true, force: true });
    throw error;
  }

  return {
    outDir,
    seed,
    words: [...DEMO_KEYWORDS],
    unknownWords,
    clipsPerWord,
    unknownClipsPerWord,
    speakers: countSpeakers(words, seed),
    files: clipCount,
    noiseFiles: NOISE_FILES.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Renders and writes one word's clips. Every clip draws from its own seeded stream, so the bytes do
 * not depend on which process renders which word.
 */
export async function writeWordClips(job: WordJob, onClip: (file: string) => void, signal?: AbortSignal): Promise<void> {
  const speakers = createSpeakers(job.seed);
  const folder = path.join(job.dir, job.word);
  await mkdir(folder, { recursive: true });
  // Renders are reused within a word only, which keeps the cache small.
  const cache = new Map<string, Float32Array>();
  for (const plan of planWord(job.word, job.count, speakers, job.seed)) {
    signal?.throwIfAborted();
    const samples = await renderClip(plan, job.seed, cache);
    const name = `${plan.speaker.id}_nohash_${plan.take}.wav`;
    await writeFile(path.join(folder, name), encodeWav16(samples, SAMPLE_RATE));
    onClip(`${job.word}/${name}`);
  }
}

function countSpeakers(words: readonly { word: string; count: number }[], seed: number): number {
  const speakers = createSpeakers(seed);
  return new Set(words.flatMap(({ word, count }) => planWord(word, count, speakers, seed).map((plan) => plan.speaker.id))).size;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min || value > MAX_CLIPS_PER_WORD) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${MAX_CLIPS_PER_WORD}, got ${value}`);
  }
  return value;
}

async function assertUsableOutDir(outDir: string): Promise<void> {
  const info = await stat(outDir).catch(() => null);
  if (!info) return;
  if (!info.isDirectory()) throw new Error(`cannot create the demo dataset: ${outDir} exists and is not a folder`);
  if ((await readdir(outDir)).length > 0) {
    throw new Error(`cannot create the demo dataset: ${outDir} already exists and is not empty; choose a new or empty folder`);
  }
}

async function publish(partialDir: string, outDir: string): Promise<void> {
  // An empty target folder is allowed; rename cannot replace a folder on Windows, so remove it.
  if (await stat(outDir).catch(() => null)) {
    await assertUsableOutDir(outDir);
    await rmdir(outDir);
  }
  await rename(partialDir, outDir);
}

/** Twenty fixed voices: distinct variant each, fixed accent, pitch, loudness and typical rate. */
function createSpeakers(seed: number): Speaker[] {
  const random = createRandom(hashSeed(seed, 'speakers'));
  const variants = random.shuffle(VARIANTS);
  return Array.from({ length: SPEAKER_COUNT }, (_, index) => ({
    id: `spk${String(index).padStart(2, '0')}`,
    voice: random.pick(VOICES),
    variant: variants[index % variants.length]!,
    pitch: random.int(25, 75),
    amplitude: random.int(80, 120),
    baseSpeed: random.int(140, 200),
  }));
}

/** Spreads a word's clips evenly over the speakers (shuffled rounds), numbering takes per speaker. */
function planWord(word: string, count: number, speakers: readonly Speaker[], seed: number): ClipPlan[] {
  const random = createRandom(hashSeed(seed, 'plan', word));
  const takes = new Map<string, number>();
  const plans: ClipPlan[] = [];
  let round: Speaker[] = [];
  for (let index = 0; index < count; index++) {
    if (round.length === 0) round = random.shuffle(speakers);
    const speaker = round.pop()!;
    const take = takes.get(speaker.id) ?? 0;
    takes.set(speaker.id, take + 1);
    plans.push({ word, speaker, take, index });
  }
  return plans;
}

/** Synthesises, trims and fits one word, then places it in a 1 s window with random level and noise. */
async function renderClip(plan: ClipPlan, seed: number, cache: Map<string, Float32Array>): Promise<Float32Array> {
  const random = createRandom(hashSeed(seed, 'clip', plan.word, plan.index));
  // Rates are rounded to 10 wpm so a speaker's repeated takes can share a render.
  const speed = clamp(Math.round((plan.speaker.baseSpeed + random.gaussian() * 20) / 10) * 10, 120, 220);
  const offsetFraction = random.next();
  const peakDb = random.uniform(-30, -6);
  const withNoise = random.next() < 0.4;
  const noiseKind = random.pick<NoiseKind>(['white', 'pink', 'brown', 'hum']);
  const snrDb = random.uniform(20, 40);
  const noiseSeed = random.int(0, 0xffffffff);

  const key = `${plan.speaker.id}|${speed}`;
  let speech = cache.get(key);
  if (!speech) {
    speech = await speakToFit(plan.word, plan.speaker, speed);
    cache.set(key, speech);
  }

  const clip = new Float32Array(CLIP_SAMPLES);
  const offset = Math.floor(offsetFraction * (CLIP_SAMPLES - speech.length + 1));
  let peak = 0;
  let sumSquares = 0;
  for (let i = 0; i < speech.length; i++) {
    peak = Math.max(peak, Math.abs(speech[i]!));
    sumSquares += speech[i]! * speech[i]!;
  }
  const gain = peak > 0 ? 10 ** (peakDb / 20) / peak : 0;
  for (let i = 0; i < speech.length; i++) clip[offset + i] = speech[i]! * gain;

  if (withNoise && peak > 0) {
    const speechRms = Math.sqrt(sumSquares / speech.length) * gain;
    const noise = generateNoise(noiseKind, {
      length: CLIP_SAMPLES,
      sampleRate: SAMPLE_RATE,
      random: createRandom(noiseSeed),
      rms: speechRms * 10 ** (-snrDb / 20),
    });
    for (let i = 0; i < CLIP_SAMPLES; i++) clip[i] = clip[i]! + noise[i]!;
  }
  // Speech peaks at −6 dBFS at most and noise sits ≥ 20 dB under it, so this rarely acts.
  let clipPeak = 0;
  for (let i = 0; i < CLIP_SAMPLES; i++) clipPeak = Math.max(clipPeak, Math.abs(clip[i]!));
  if (clipPeak > 0.98) for (let i = 0; i < CLIP_SAMPLES; i++) clip[i] = (clip[i]! * 0.98) / clipPeak;
  return clip;
}

/**
 * Speaks the word, resamples to 16 kHz and trims silence. If it is still longer than 0.95 s it is
 * re-spoken faster (espeak's timing is not linear in rate, hence the loop), then cut with a fade.
 */
async function speakToFit(word: string, speaker: Speaker, speed: number): Promise<Float32Array> {
  let rate = speed;
  let speech: Float32Array = new Float32Array(0);
  for (let attempt = 0; attempt < 3; attempt++) {
    const voice: EspeakVoice = { voice: speaker.voice, pitch: speaker.pitch, amplitude: speaker.amplitude, speed: rate };
    if (speaker.variant !== undefined) voice.variant = speaker.variant;
    const rendered = await synthesizeWord(word, voice);
    speech = trimSilence(resample(rendered.samples, rendered.sampleRate, SAMPLE_RATE), SAMPLE_RATE);
    if (speech.length <= MAX_SPEECH_SAMPLES) return speech;
    rate = Math.min(400, Math.ceil((rate * speech.length) / (0.9 * SAMPLE_RATE)));
  }
  const cut = speech.slice(0, MAX_SPEECH_SAMPLES);
  fade(cut, Math.round(0.03 * SAMPLE_RATE), 'out');
  return cut;
}

/**
 * Cuts leading and trailing silence: 10 ms frames more than 40 dB below the loudest frame, keeping
 * 20 ms of margin and 5 ms fades so the cut never clicks.
 */
function trimSilence(samples: Float32Array, sampleRate: number): Float32Array {
  const frame = Math.round(0.01 * sampleRate);
  const frames = Math.floor(samples.length / frame);
  const energies = new Float64Array(frames);
  let loudest = 0;
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i]! * samples[i]!;
    energies[f] = sum / frame;
    loudest = Math.max(loudest, sum / frame);
  }
  if (loudest === 0) return new Float32Array(0);
  const threshold = loudest * 1e-4;
  let first = 0;
  while (first < frames && energies[first]! < threshold) first++;
  let last = frames - 1;
  while (last > first && energies[last]! < threshold) last--;
  const margin = Math.round(0.02 * sampleRate);
  const start = Math.max(0, first * frame - margin);
  const end = Math.min(samples.length, (last + 1) * frame + margin);
  const trimmed = samples.slice(start, end);
  const fadeLength = Math.round(0.005 * sampleRate);
  fade(trimmed, fadeLength, 'in');
  fade(trimmed, fadeLength, 'out');
  return trimmed;
}

function fade(samples: Float32Array, length: number, direction: 'in' | 'out'): void {
  const n = Math.min(length, samples.length);
  for (let i = 0; i < n; i++) {
    const index = direction === 'in' ? i : samples.length - 1 - i;
    samples[index] = samples[index]! * (i / n);
  }
}

/** 16-bit PCM mono WAV with the canonical 44-byte header; rounding is fixed so output is reproducible. */
function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    view.setInt16(44 + i * 2, clamp(Math.round(samples[i]! * 32767), -32768, 32767), true);
  }
  return bytes;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
