// Makes require('@tensorflow/tfjs-node') use the native TensorFlow backend.
// tfjs-node's install script is denied in package.json "allowScripts" (its
// download fails offline and would fail `npm install`), so we do its job
// here, trying the cheapest working option first:
//   A. the binding in node_modules already loads -> done
//   B. a per-user cache outside node_modules holds a working build -> link it in
//   C. tfjs-node's own installer (downloads libtensorflow from Google)
//   D. libtensorflow from the tensorflow-cpu pip wheel + compile the binding
// If all fail, training falls back to pure JavaScript (~200x slower), and we
// say so loudly. Nothing here may throw or fail the install.
import fs from 'node:fs';
import { checkTfBinding } from './checkTfBinding.mjs';
import { log, seconds } from './log.mjs';
import { runCommand } from './runCommand.mjs';
import { tfCache } from './tfCache.mjs';
import { tfFromPipWheel } from './tfFromPipWheel.mjs';
import { tfjsNodeInstall } from './tfjsNodeInstall.mjs';
import { tfPaths } from './tfPaths.mjs';
import { readNativeTfStatus, writeNativeTfStatus } from './writeNativeTfStatus.mjs';

function saveToCache(paths, status) {
  try {
    tfCache.save(paths, status);
    return true;
  } catch (err) {
    log(
      `could not save native TensorFlow to the cache ${paths.cacheDir} (${err.message}); next reinstall will rebuild.`,
    );
    return false;
  }
}

function succeed(paths, status, message) {
  writeNativeTfStatus(paths, { native: true, ...status });
  log(message);
  return { ok: true, ...status };
}

// Fresh log for this run's build attempts; returns null if the cache is unwritable.
function startLog(paths) {
  try {
    fs.mkdirSync(paths.cache, { recursive: true });
    fs.writeFileSync(paths.logFile, `kws-studio native TensorFlow setup, ${new Date().toISOString()}\n`);
    return paths.logFile;
  } catch {
    return null;
  }
}

function warnPureJs(paths, reason, result, logFile) {
  const bar = '-'.repeat(72);
  const tail = result ? runCommand.tail(result.output, 20) : [];
  if (tail.length) {
    log.warn('last lines of the failed step:');
    for (const line of tail) console.error(`    ${line}`);
  }
  log.warn(
    bar,
    'WARNING: native TensorFlow could not be set up.',
    `  reason: ${reason}`,
    'Training will use the pure-JavaScript backend, which is about 200x slower.',
    'To fix it: install python3 with pip (e.g. `sudo apt install python3-pip`),',
    'make sure pip can reach an index with tensorflow-cpu, then run one of:',
    '    npm run postinstall',
    '    node scripts/postinstall.mjs',
    ...(logFile ? [`Full log: ${logFile}`] : []),
    bar,
  );
}

export async function nativeTensorflow(root, { force = false } = {}) {
  if (process.env.KWS_STUDIO_SKIP_NATIVE_TF && !force) {
    log('KWS_STUDIO_SKIP_NATIVE_TF is set; skipping native TensorFlow setup.');
    return { ok: false, skipped: true };
  }
  const paths = tfPaths(root);
  if (!paths) return { ok: false, skipped: true }; // tfjs-node not installed
  const total = performance.now();

  if (!force) {
    // A. Already working (the common case on every later `npm install`).
    let start = performance.now();
    const check = checkTfBinding(paths.bindingPath);
    if (check.ok) {
      const previous = readNativeTfStatus(paths);
      const cached = tfCache.read(paths);
      // Keep the source we recorded when it was set up; 'existing' if unknown
      // (e.g. built by hand).
      const source = (previous?.native && previous.source) || cached?.source || 'existing';
      // Seed the cache from a working install so a future clean install is fast.
      if (!cached) saveToCache(paths, { source, tensorflow_version: check.version });
      return succeed(
        paths,
        { source, tensorflow_version: check.version },
        `native TensorFlow ${check.version} already installed (${seconds(start)})`,
      );
    }

    // B. Restore from the per-user cache.
    const manifest = tfCache.read(paths);
    if (manifest) {
      start = performance.now();
      let reason;
      try {
        tfCache.install(paths);
        const verify = checkTfBinding(paths.bindingPath);
        if (verify.ok) {
          return succeed(
            paths,
            { source: manifest.source, tensorflow_version: verify.version },
            `native TensorFlow ${verify.version} ready from cache (${seconds(start)})`,
          );
        }
        reason = verify.reason;
      } catch (err) {
        reason = err.message;
      }
      // A cache that doesn't produce a loading binding is useless; drop it.
      log(`cached native TensorFlow did not work (${reason}); rebuilding.`);
      fs.rmSync(paths.cacheDir, { recursive: true, force: true });
    }
  }

  const logFile = startLog(paths);
  if (force) log('--force-native-tf: rebuilding native TensorFlow, ignoring the cache.');

  // C. tfjs-node's own installer.
  let start = performance.now();
  log("trying @tensorflow/tfjs-node's own installer (downloads libtensorflow from storage.googleapis.com)...");
  let failure;
  let result;
  try {
    result = await tfjsNodeInstall(paths, logFile);
    const verify = result.ok ? checkTfBinding(paths.bindingPath) : null;
    if (verify?.ok) {
      const status = { source: 'tfjs-node-download', tensorflow_version: verify.version };
      saveToCache(paths, status);
      return succeed(paths, status, `native TensorFlow ${verify.version} installed by tfjs-node (${seconds(start)})`);
    }
    failure = result.ok ? `binding does not load: ${verify.reason}` : result.reason;
  } catch (err) {
    failure = err.message;
  }
  log(`tfjs-node's installer failed (${failure}, ${seconds(start)}); trying the pip wheel instead.`);

  // D. libtensorflow from the tensorflow-cpu pip wheel.
  start = performance.now();
  try {
    const built = await tfFromPipWheel(paths, logFile);
    result = built.result ?? null;
    if (built.ok) {
      const verify = checkTfBinding(paths.bindingPath);
      if (verify.ok) {
        const status = { source: 'pip-wheel', tensorflow_version: verify.version };
        // The wheel is only needed until the cache holds the result.
        if (saveToCache(paths, status)) {
          fs.rmSync(built.wheel, { force: true });
          try {
            fs.rmdirSync(paths.wheelDir); // only succeeds if now empty
          } catch {
            // other files in there: leave them
          }
        }
        return succeed(
          paths,
          status,
          `native TensorFlow ${verify.version} built from the pip wheel (${seconds(start)}; ${seconds(total)} in total)`,
        );
      }
      failure = `built binding does not load: ${verify.reason}`;
    } else {
      failure = built.reason;
    }
  } catch (err) {
    failure = err.message;
    result = null;
  }

  writeNativeTfStatus(paths, { native: false, reason: failure });
  warnPureJs(paths, failure, result, logFile);
  return { ok: false, reason: failure };
}
