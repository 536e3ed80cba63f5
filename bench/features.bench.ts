import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import FFT from 'fft.js';
import { createFeatureExtractor } from '../src-shared/dsp/createFeatureExtractor.ts';
import { createRealFft } from '../src-shared/dsp/createRealFft.ts';
import type { FeatureSpec } from '../src-shared/model/FeatureSpec.ts';
import { parseWav } from '../src-main/services/audio/parseWav.ts';
import { extractInWorkers } from '../src-main/services/features/extractInWorkers.ts';
import { recordBenchmark } from './recordBenchmark.ts';
import { repoRoot } from './repoRoot.ts';

const root = repoRoot;
const fsddDir = path.join(process.env.KWS_SHARED_DATA ?? path.resolve(root, '..', 'shared', 'data'), 'fsdd-dev');
const CLIPS = 1000;
const STREAMED_CLIPS = 100_000;

/** librosa.feature.mfcc's defaults at FSDD's 8 kHz: 25 ms / 10 ms frames, 40 Slaney mel bins, 13 MFCCs. */
const spec: FeatureSpec = {
  type: 'mfcc',
  sampleRate: 8000,
  clipDurationMs: 1000,
  windowMs: 25,
  strideMs: 10,
  fftSize: 256,
  window: 'hann',
  center: true,
  preEmphasis: 0,
  magnitudePower: 2,
  melBins: 40,
  lowerHz: 0,
  upperHz: 4000,
  melScale: 'slaney',
  melNorm: 'slaney',
  melTriangles: 'hz',
  log: 'db',
  logFloor: 1e-10,
  topDb: 80,
  mfccCount: 13,
  dctNorm: 'ortho',
  lifter: 0,
  deltas: 0,
  normalization: 'none',
};

/**
 * `npm run bench -- features`: our extractor and librosa on the same 1,000 FSDD clips (decoding
 * outside the timer for both), our FFT against fft.js, worker-thread scaling, and memory while
 * 100,000 clips stream through the workers.
 */
export async function runFeaturesBench(): Promise<void> {
  if (!fs.existsSync(fsddDir)) {
    console.log(
      `skipped: ${fsddDir} is absent (the shared FSDD sample sits beside the checkout; set KWS_SHARED_DATA to point elsewhere)`,
    );
    return;
  }
  const files = fs
    .readdirSync(fsddDir)
    .filter((name) => name.endsWith('.wav'))
    .sort()
    .slice(0, CLIPS)
    .map((name) => path.join(fsddDir, name));
  const clips = files.map((file) => parseWav(fs.readFileSync(file)));

  const timeExtractor = (extract: ReturnType<typeof createFeatureExtractor>) => {
    const runs: number[] = [];
    for (let run = 0; run < 4; run++) {
      const started = performance.now();
      for (const clip of clips) extract(clip.mono, clip.sampleRate);
      runs.push((performance.now() - started) / clips.length);
    }
    // The first run warms the JIT; the mean of the rest, as librosa's is a mean over its repeats.
    return runs.slice(1).reduce((sum, value) => sum + value, 0) / (runs.length - 1);
  };
  const ours = timeExtractor(createFeatureExtractor(spec));
  const oursWithFftJs = timeExtractor(
    createFeatureExtractor(spec, {
      createFft: (size) => {
        const fft = new FFT(size);
        const out = new Float64Array(2 * size);
        return (frame, re, im) => {
          fft.realTransform(out, frame);
          for (let k = 0; k <= size / 2; k++) {
            re[k] = out[2 * k]!;
            im[k] = out[2 * k + 1]!;
          }
        };
      },
    }),
  );

  const librosa = runLibrosa(files, false);
  const librosaApi = runLibrosa(files, true);

  const fftOurs = timeFft((size) => {
    const fft = createRealFft(size);
    const re = new Float64Array(size / 2 + 1);
    const im = new Float64Array(size / 2 + 1);
    return (frame) => fft(frame, re, im);
  });
  const fftPeer = timeFft((size) => {
    const fft = new FFT(size);
    const out = fft.createComplexArray();
    return (frame) => fft.realTransform(out, frame);
  });

  // 10,000 clips (the files, cycled) per measurement, so starting the threads is a small part of it.
  const threadRates: Record<number, number> = {};
  const scalingClips = 10_000;
  for (const threads of [1, os.availableParallelism()]) {
    const jobs = Array.from({ length: scalingClips }, (_, i) => ({ key: String(i), file: files[i % files.length]! }));
    const started = performance.now();
    await extractInWorkers({ spec, threads, jobs, onResult: () => {}, onFailure: () => {} });
    threadRates[threads] = scalingClips / ((performance.now() - started) / 1000);
  }
  const cores = os.availableParallelism();

  const memory = await streamMemory(files);

  const lines = [
    `clips: ${CLIPS} FSDD recordings (8 kHz), MFCC 13 × 101 frames each`,
    `ours, one thread: ${ours.toFixed(3)} ms per clip`,
    `librosa ${librosa.version} librosa.feature.mfcc, one thread, as users call it: ${librosaApi.msPerClip.toFixed(3)} ms per clip`,
    `librosa's fastest path (the same steps with the mel filterbank built once, which librosa.feature.mfcc rebuilds per call): ${librosa.msPerClip.toFixed(3)} ms per clip (features_vs_librosa_prebuilt_filterbank=${(librosa.msPerClip / ours).toFixed(2)})`,
    `real FFT 256 points alone: ours ${fftOurs.toFixed(2)} µs, fft.js realTransform ${fftPeer.toFixed(2)} µs`,
    `our extractor with fft.js in place of our FFT: ${oursWithFftJs.toFixed(3)} ms per clip (ours_vs_fftjs_in_extractor=${(oursWithFftJs / ours).toFixed(2)})`,
    `worker threads, decode + extract of ${scalingClips.toLocaleString('en-US')} clips: 1 thread ${threadRates[1]!.toFixed(0)} clips/s, ${cores} threads ${threadRates[cores]!.toFixed(0)} clips/s (scaling ${(threadRates[cores]! / threadRates[1]!).toFixed(2)}× on ${cores} cores)`,
    `${STREAMED_CLIPS.toLocaleString('en-US')} clips streamed through ${cores} threads in ${memory.seconds.toFixed(1)} s: RSS ${memory.startMb.toFixed(0)} MB → peak ${memory.peakMb.toFixed(0)} MB (after 10% ${memory.earlyMb.toFixed(0)} MB)`,
    `features_vs_librosa=${(librosaApi.msPerClip / ours).toFixed(2)}`,
  ];
  for (const line of lines) console.log(line);
  recordBenchmark(
    'features',
    'npm run bench -- features',
    `Feature extraction (librosa's MFCC defaults at 8 kHz, see bench/features.bench.ts). \`features_vs_librosa\` is the time of \`librosa.feature.mfcc\` over ours, both single-threaded on the same clips with decoding excluded (means over 3 runs after a warm-up); above 1 means we are faster. Because \`librosa.feature.mfcc\` rebuilds its mel filterbank on every call, the bench also times librosa's fastest path — the same steps with the filterbank built once, as our extractor does — and prints that ratio too. Our FFT is chosen over fft.js by the in-extractor line.\n\n${lines.map((line) => `- ${line}`).join('\n')}`,
  );
}

/** Runs bench/librosa_features.py in the reference venv (created by scripts/reference/setup-venv.sh). */
function runLibrosa(files: string[], api: boolean): { msPerClip: number; version: string } {
  const python = path.join(root, '.venv-ref', 'bin', 'python');
  // Cheap when the venv is complete, and it repairs a half-made one.
  execFileSync('bash', [path.join(root, 'scripts', 'reference', 'setup-venv.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-features-'));
  try {
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(spec));
    fs.writeFileSync(path.join(dir, 'files.txt'), files.join('\n'));
    const output = execFileSync(
      python,
      [
        path.join(root, 'bench', 'librosa_features.py'),
        '--spec',
        path.join(dir, 'spec.json'),
        '--files',
        path.join(dir, 'files.txt'),
        '--repeat',
        '3',
        ...(api ? ['--api'] : []),
      ],
      {
        encoding: 'utf8',
      },
    );
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { msPerClip: number; librosa: string };
    return { msPerClip: result.msPerClip, version: result.librosa };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Microseconds per 256-point real transform, best of several rounds. */
function timeFft(make: (size: number) => (frame: Float64Array) => void): number {
  const size = 256;
  const run = make(size);
  const frame = Float64Array.from({ length: size }, (_, i) => Math.sin(i * 0.1) + Math.cos(i * 0.37));
  const rounds: number[] = [];
  for (let round = 0; round < 7; round++) {
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) run(frame);
    rounds.push(((performance.now() - started) * 1000) / 20_000);
  }
  return Math.min(...rounds.slice(2));
}

/** RSS while 100,000 clips (the 1,000 files, cycled) stream through the workers with results dropped. */
async function streamMemory(files: string[]) {
  const rss = () => process.memoryUsage().rss / 2 ** 20;
  const startMb = rss();
  let peakMb = startMb;
  let earlyMb = startMb;
  let done = 0;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rss())), 50);
  const started = performance.now();
  function* jobs() {
    for (let i = 0; i < STREAMED_CLIPS; i++) yield { key: String(i), file: files[i % files.length]! };
  }
  await extractInWorkers({
    spec,
    jobs: jobs(),
    onResult: () => {
      if (++done === STREAMED_CLIPS / 10) earlyMb = rss();
    },
    onFailure: () => {},
  });
  clearInterval(sampler);
  return { startMb, peakMb: Math.max(peakMb, rss()), earlyMb, seconds: (performance.now() - started) / 1000 };
}
