#!/usr/bin/env node
// Root "postinstall" of kws-studio. Finishes the two setup jobs whose own
// install scripts are denied in package.json "allowScripts" because they need
// the network and would otherwise fail `npm install` on offline machines:
//   1. the Electron binary (electronBinary.mjs)
//   2. native TensorFlow for @tensorflow/tfjs-node (nativeTensorflow.mjs)
// It always exits 0: a missing Electron or native TF degrades the app
// (browser serve mode, slower training) but must never fail the install.
//
//   node scripts/postinstall.mjs                    normal run (idempotent)
//   node scripts/postinstall.mjs --force-native-tf  rebuild native TF, ignoring the cache
// Env: ELECTRON_SKIP_BINARY_DOWNLOAD, KWS_STUDIO_SKIP_NATIVE_TF=1, KWS_STUDIO_CACHE.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const say = (line) => console.log(`kws-studio: ${line}`);

// Step modules are imported lazily inside try/catch so that even a broken
// helper file can't turn into a failed install.
export async function postinstall({ forceNativeTf = false } = {}) {
  let root;
  try {
    ({ projectRoot: root } = await import('./projectRoot.mjs'));
  } catch (err) {
    say(`setup skipped (${err.message})`);
    return;
  }
  try {
    const { electronBinary } = await import('./electronBinary.mjs');
    await electronBinary(root);
  } catch (err) {
    say(`Electron binary not available (${err.message}); npm start will use serve mode in a browser instead.`);
  }
  try {
    const { nativeTensorflow } = await import('./nativeTensorflow.mjs');
    await nativeTensorflow(root, { force: forceNativeTf });
  } catch (err) {
    say(`native TensorFlow setup failed unexpectedly (${err.message}); training will use the pure-JavaScript backend.`);
  }
}

function isMain() {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const bail = (err) => {
    say(`postinstall error ignored (${err?.message ?? err})`);
    process.exit(0);
  };
  process.on('uncaughtException', bail);
  process.on('unhandledRejection', bail);
  postinstall({ forceNativeTf: process.argv.includes('--force-native-tf') }).then(() => process.exit(0), bail);
}
