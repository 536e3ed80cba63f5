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
import { createRandom, hashSeed } from '../../../src-shared/random/createRandom.ts';
import { generateNoise, type NoiseKind } from '../../../src-shared/dsp/noise.ts';
import { resample } from '../../../src-shared/dsp/resample.ts';
import { synthesizeWord, type EspeakVoice } from './synthesizeWord.ts';

export const DEMO_KEYWORDS: readonly string[] = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go'];
/** Filler words: the project marks them as unknown words, so a first run learns them as `_unknown_`. */
export const DEMO_UNKNOWN_WORDS: readonly string[] = ['bed', 'bird', 'cat', 'dog', 'house', 'tree', 'happy', 'wow'];
export const BACKGROUND_NOISE_FOLDER = '_background_noise_';

export interface DemoDatasetOptions {
  outDir: string;
  /** Default 1. */
  seed?: number;
  /** Clips per keyword, default 60, at least 1. */
  clipsPerWord?: number;
  /** Clips per unknown-class word, default 24; 0 leaves the unknown words out. */
  unknownClipsPerWord?: number;
  /** Processes that synthesize speakers in parallel; 1 renders in this process. Output is the same either way. */
  workers?: number;
  onProgress?: (done: number, total: number, message: string) => void;
  signal?: AbortSignal;
}

/** One speaker's clips of every word: what a worker process renders and writes. */
export interface SpeakerJob {
  seed: number;
  /** Index of the speaker among the dataset's voices. */
  speaker: number;
  /** Clips per word of the whole dataset; the job writes the ones planned for its speaker. */
  words: { word: string; count: number }[];
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
/**
 * Voices: a model is tested on speakers it never heard, so the number of distinct voices, not of
 * takes, is what makes the demo learnable (and its test score meaningful).
 */
const SPEAKER_COUNT = 60;
/** Each voice speaks every word at these offsets from its own rate, in words per minute. */
const RATE_OFFSETS: readonly number[] = [-20, 20];
/** Pause espeak puts between the words of one run; words are cut apart at pauses of at least half of it. */
const WORD_GAP_MS = 500;
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
const VOICES: readonly string[] = [
  'en-us',
  'en-us',
  'en-us',
  'en-gb',
  'en-gb-x-rp',
  'en-gb-scotland',
  'en-gb-x-gbclan',
  'en-gb-x-gbcwmd',
  'en-029',
];
// 'david' is left out: it asks for the Klatt synthesiser, which this build lacks.
const VARIANTS: readonly string[] = [
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'Annie',
  'belinda',
  'linda',
  'steph',
  'anika',
  'm1',
  'm2',
  'm3',
  'm4',
  'm5',
  'm6',
  'm7',
  'Alex',
  'Andy',
  'Mike',
  'paul',
  'quincy',
  'robert',
  'zac',
  'max',
];

interface Speaker extends Omit<EspeakVoice, 'speed'> {
  id: string;
  /** Centre of this speaker's speaking rate, words per minute. */
  baseSpeed: number;
  /**
   * How much faster (> 1) or slower this voice's audio is played than espeak renders it: pitch and
   * formants move together, as between a child's and an adult's vocal tract, which espeak's variants
   * alone do not vary.
   */
  tract: number;
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
  const unknownClipsPerWord = checkCount('unknownClipsPerWord', options.unknownClipsPerWord ?? 24, 0);
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
  const speakers = createSpeakers(seed);
  const used = speakersWithClips(words, speakers, seed);

  await mkdir(path.dirname(outDir), { recursive: true });
  // Everything is written into a sibling folder and renamed into place at the end, so a crash
  // or an abort never leaves a half-written dataset (or WAV) under the requested name.
  const partialDir = await mkdtemp(`${outDir}.partial-${process.pid}-`);
  try {
    let done = 0;
    onProgress?.(done, total, 'Starting');
    const onClip = (file: string) => onProgress?.(++done, total, file);
    for (const { word } of words) await mkdir(path.join(partialDir, word), { recursive: true });
    const jobs = [...used].sort((a, b) => a - b).map((speaker) => ({ seed, speaker, words, dir: partialDir }));
    const workers = Math.min(options.workers ?? 1, jobs.length);
    if (workers > 1) {
      const { renderSpeakersInWorkers } = await import('./renderSpeakersInWorkers.ts');
      await renderSpeakersInWorkers(jobs, workers, onClip, signal);
    } else {
      for (const job of jobs) await writeSpeakerClips(job, onClip, signal);
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
    speakers: used.size,
    files: clipCount,
    noiseFiles: NOISE_FILES.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Renders and writes one speaker's clips of every word. The speaker says the whole word list in
 * one espeak run per speaking rate; every clip then draws from its own seeded stream, so the bytes
 * do not depend on which process renders which speaker.
 */
export async function writeSpeakerClips(
  job: SpeakerJob,
  onClip: (file: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const speakers = createSpeakers(job.seed);
  const speaker = speakers[job.speaker];
  if (!speaker) throw new RangeError(`there is no speaker ${job.speaker}`);
  const plans = job.words.flatMap(({ word, count }) =>
    planWord(word, count, speakers, job.seed).filter((plan) => plan.speaker === speaker),
  );
  if (plans.length === 0) return;
  // Each take is said at one of the speaker's rates; only the rates and words some take needs are spoken.
  const rateOf = (plan: ClipPlan) =>
    createRandom(hashSeed(job.seed, 'rate', plan.word, plan.index)).int(0, RATE_OFFSETS.length - 1);
  const renders = new Map<number, Map<string, Float32Array>>();
  for (const [rate, offset] of RATE_OFFSETS.entries()) {
    const words = [...new Set(plans.filter((plan) => rateOf(plan) === rate).map((plan) => plan.word))];
    signal?.throwIfAborted();
    if (words.length) renders.set(rate, await speakWords(words, speaker, clamp(speaker.baseSpeed + offset, 120, 240)));
  }
  for (const plan of plans) {
    signal?.throwIfAborted();
    const samples = renderClip(plan, job.seed, renders.get(rateOf(plan))!.get(plan.word)!);
    const name = `${plan.speaker.id}_nohash_${plan.take}.wav`;
    await writeFile(path.join(job.dir, plan.word, name), encodeWav16(samples, SAMPLE_RATE));
    onClip(`${plan.word}/${name}`);
  }
}

/** The speakers that have at least one clip. */
function speakersWithClips(
  words: readonly { word: string; count: number }[],
  speakers: readonly Speaker[],
  seed: number,
): Set<number> {
  const used = new Set<number>();
  for (const { word, count } of words)
    for (const plan of planWord(word, count, speakers, seed)) used.add(speakers.indexOf(plan.speaker));
  return used;
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
    throw new Error(
      `cannot create the demo dataset: ${outDir} already exists and is not empty; choose a new or empty folder`,
    );
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

/** Fixed voices: distinct variant where possible, accent, pitch, loudness, typical rate and vocal-tract scale. */
function createSpeakers(seed: number): Speaker[] {
  const random = createRandom(hashSeed(seed, 'speakers'));
  const variants = random.shuffle(VARIANTS);
  return Array.from({ length: SPEAKER_COUNT }, (_, index) => ({
    id: `spk${String(index).padStart(2, '0')}`,
    voice: random.pick(VOICES),
    variant: variants[index % variants.length]!,
    pitch: random.int(20, 80),
    amplitude: random.int(80, 120),
    baseSpeed: random.int(140, 200),
    tract: random.uniform(0.9, 1.12),
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

/**
 * One take: a rendering of the word (at one of the speaker's rates), played at the speaker's
 * vocal-tract scale (varied a little per take), placed in a 1 s window at a random offset and level,
 * with noise at a random SNR on some takes.
 */
function renderClip(plan: ClipPlan, seed: number, rendered: Float32Array): Float32Array {
  const random = createRandom(hashSeed(seed, 'clip', plan.word, plan.index));
  const tract = plan.speaker.tract * (1 + random.uniform(-0.03, 0.03));
  const offsetFraction = random.next();
  const peakDb = random.uniform(-30, -6);
  const withNoise = random.next() < 0.4;
  const noiseKind = random.pick<NoiseKind>(['white', 'pink', 'brown', 'hum']);
  const snrDb = random.uniform(15, 40);
  const noiseSeed = random.int(0, 0xffffffff);

  // Rates on a 100 Hz grid keep the resampler's ratio small.
  let speech = resample(rendered, Math.round((SAMPLE_RATE * tract) / 100) * 100, SAMPLE_RATE);
  if (speech.length > MAX_SPEECH_SAMPLES) {
    speech = speech.slice(0, MAX_SPEECH_SAMPLES);
    fade(speech, Math.round(0.03 * SAMPLE_RATE), 'out');
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
  // Speech peaks at −6 dBFS at most and noise sits ≥ 15 dB under it, so this rarely acts.
  let clipPeak = 0;
  for (let i = 0; i < CLIP_SAMPLES; i++) clipPeak = Math.max(clipPeak, Math.abs(clip[i]!));
  if (clipPeak > 0.98) for (let i = 0; i < CLIP_SAMPLES; i++) clip[i] = (clip[i]! * 0.98) / clipPeak;
  return clip;
}

/**
 * Every word of the list, as the speaker says it at one rate: one espeak run for the whole list
 * with long pauses between the words, cut apart at the pauses. Should the cut not give one piece
 * per word (a pause inside a word, say), the words are spoken one by one instead.
 */
async function speakWords(
  words: readonly string[],
  speaker: Speaker,
  speed: number,
): Promise<Map<string, Float32Array>> {
  const voice: EspeakVoice = { voice: speaker.voice, pitch: speaker.pitch, amplitude: speaker.amplitude, speed };
  if (speaker.variant !== undefined) voice.variant = speaker.variant;
  const rendered = await synthesizeWord(words.join(' '), voice, WORD_GAP_MS);
  const pieces = splitAtPauses(
    resample(rendered.samples, rendered.sampleRate, SAMPLE_RATE),
    SAMPLE_RATE,
    WORD_GAP_MS / 2,
  );
  const spoken = new Map<string, Float32Array>();
  for (const [index, word] of words.entries()) {
    const piece = pieces.length === words.length ? trimSilence(pieces[index]!, SAMPLE_RATE) : null;
    spoken.set(
      word,
      piece && piece.length > 0 && piece.length <= MAX_SPEECH_SAMPLES ? piece : await speakToFit(word, speaker, speed),
    );
  }
  return spoken;
}

/** The sounding stretches of `samples` between silences (40 dB under the loudest 10 ms) of at least `pauseMs`. */
function splitAtPauses(samples: Float32Array, sampleRate: number, pauseMs: number): Float32Array[] {
  const frame = Math.round(0.01 * sampleRate);
  const energies = frameEnergies(samples, frame);
  const loudest = energies.reduce((max, value) => Math.max(max, value), 0);
  if (loudest === 0) return [];
  const silent = (f: number) => energies[f]! < loudest * 1e-4;
  const minPause = Math.ceil(pauseMs / 10);
  const pieces: Float32Array[] = [];
  let start = -1;
  let quiet = 0;
  for (let f = 0; f <= energies.length; f++) {
    if (f < energies.length && !silent(f)) {
      if (start < 0) start = f;
      quiet = 0;
      continue;
    }
    quiet++;
    if (start >= 0 && (quiet >= minPause || f === energies.length)) {
      // 30 ms of the pause on each side, so a word's faint edges are not cut off.
      pieces.push(samples.slice(Math.max(0, (start - 3) * frame), Math.min(samples.length, (f - quiet + 4) * frame)));
      start = -1;
    }
  }
  return pieces;
}

function frameEnergies(samples: Float32Array, frame: number): Float64Array {
  const frames = Math.floor(samples.length / frame);
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * frame; i < (f + 1) * frame; i++) sum += samples[i]! * samples[i]!;
    energies[f] = sum / frame;
  }
  return energies;
}

/**
 * Speaks the word, resamples to 16 kHz and trims silence. If it is still longer than 0.95 s it is
 * re-spoken faster (espeak's timing is not linear in rate, hence the loop), then cut with a fade.
 */
async function speakToFit(word: string, speaker: Speaker, speed: number): Promise<Float32Array> {
  let rate = speed;
  let speech: Float32Array = new Float32Array(0);
  for (let attempt = 0; attempt < 3; attempt++) {
    const voice: EspeakVoice = {
      voice: speaker.voice,
      pitch: speaker.pitch,
      amplitude: speaker.amplitude,
      speed: rate,
    };
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
  const energies = frameEnergies(samples, frame);
  const frames = energies.length;
  const loudest = energies.reduce((max, value) => Math.max(max, value), 0);
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
