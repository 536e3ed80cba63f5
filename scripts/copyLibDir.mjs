// Mirrors a folder of shared libraries: regular files are hard-linked (the
// TensorFlow libraries are ~850 MB, a link is instant and costs no space) with
// a plain copy as fallback (e.g. cache and project on different file systems),
// and symlinks such as libtensorflow.so -> libtensorflow_cc.so.2 are recreated.
//
// Destination entries are always unlinked first: writing through an existing
// hard link (copyFile truncates in place) would corrupt the other copy.
import fs from 'node:fs';
import path from 'node:path';

function removeEntry(file) {
  try {
    fs.rmSync(file, { force: true, recursive: true });
  } catch {
    // ignore; the following link/copy reports a real problem
  }
}

export function copyLibDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  const stats = { linked: 0, copied: 0, symlinks: 0 };
  for (const name of fs.readdirSync(src)) {
    const from = path.join(src, name);
    const to = path.join(dst, name);
    const st = fs.lstatSync(from);
    removeEntry(to);
    if (st.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
      stats.symlinks++;
    } else if (st.isFile()) {
      try {
        fs.linkSync(from, to);
        stats.linked++;
      } catch {
        fs.copyFileSync(from, to);
        stats.copied++;
      }
    }
  }
  return stats;
}
