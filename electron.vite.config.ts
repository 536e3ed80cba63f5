import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;

// The Electron main and preload bundles. The renderer is built by the same
// config so that serve mode (plain Node) serves exactly what Electron loads.
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'src-main/index.ts'),
          tensorflowProbe: resolve(root, 'src-main/workers/tensorflowProbe.ts'),
          demoWorker: resolve(root, 'src-main/workers/demoWorker.ts'),
          featureWorker: resolve(root, 'src-main/workers/featureWorker.ts'),
          trainingWorker: resolve(root, 'src-main/workers/trainingWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        // Sandboxed preloads cannot use ESM imports: emit one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
