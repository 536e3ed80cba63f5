// node_modules/.kws-studio-native-tf.json tells the app which TensorFlow
// backend to expect and, when it's the slow pure-JS one, why.
// { "native": true, "source": ..., "tensorflow_version": ... } or
// { "native": false, "reason": ... }
import fs from 'node:fs';

export function readNativeTfStatus(paths) {
  try {
    return JSON.parse(fs.readFileSync(paths.statusFile, 'utf8'));
  } catch {
    return null;
  }
}

export function writeNativeTfStatus(paths, status) {
  try {
    fs.writeFileSync(
      paths.statusFile,
      `${JSON.stringify({ ...status, updated: new Date().toISOString() }, null, 2)}\n`,
    );
  } catch {
    // node_modules not writable: nothing useful to do, the app then just probes.
  }
}
