import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// Keeps TensorFlow's INFO and WARNING logs out of test output (forked workers inherit it); TF 2.21
// still prints its one oneDNN line at load, before its logging is set up.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

// Every test file gets a throwaway studio home when KWS_STUDIO_HOME is unset: no test touches the user's.
const setupFiles = ['./test/support/isolateStudioHome.ts'];

// Three suites: fast unit tests, integration tests with real SQLite / tfjs-node / files / processes,
// and end-to-end tests that drive Debian's Chromium against serve mode.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      // Unit tests run in Node with a browser's transform and resolution, so the renderer's rune-based
      // state classes (`*.svelte.ts`) can be tested as the app runs them, with Svelte's client runtime.
      {
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: './test/support/svelteClientEnvironment.ts',
          setupFiles,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles,
          testTimeout: 240_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
