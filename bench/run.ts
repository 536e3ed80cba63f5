/**
 * `npm run bench [-- name…]`: runs the named benchmarks (all when none is named). Each prints its
 * numbers with a ratio against a peer measured in the same run and records them in docs/benchmarks.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Benchmarks never touch the user's studio home: when none is set, anything that asks for one
// (studioHome(), a CLI or serve process a bench starts) gets a throwaway folder.
if (!process.env.KWS_STUDIO_HOME) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kws-bench-home-'));
  process.env.KWS_STUDIO_HOME = home;
  process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));
}

const available: Record<string, () => Promise<void>> = {
  library: async () => (await import('./library.bench.ts')).runLibraryBench(),
  features: async () => (await import('./features.bench.ts')).runFeaturesBench(),
  training: async () => (await import('./training.bench.ts')).runTrainingBench(),
  accuracy: async () => (await import('./training.bench.ts')).runAccuracyBench(),
  sweep: async () => (await import('./sweep.bench.ts')).runSweepBench(),
  'model-step': async () => (await import('./modelStep.bench.ts')).runModelStepBench(),
  'run-table': async () => (await import('./runTable.bench.ts')).runRunTableBench(),
  'first-hour': async () => (await import('./firstHour.bench.ts')).runFirstHourBench(),
  ship: async () => (await import('./ship.bench.ts')).runShipBench(),
};

const names = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = names.filter((name) => !(name in available));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(available).join(', ')}`);
  process.exit(2);
}
for (const name of names.length ? names : Object.keys(available)) {
  console.log(`\n== bench: ${name}`);
  await available[name]!();
}
