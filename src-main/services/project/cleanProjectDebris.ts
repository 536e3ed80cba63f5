import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ownerAlive } from '../runs/store/runOwners.ts';
import { hostTag, isInFlightHere, parseIncoming, removeIncomingIfEmpty } from './incomingAudio.ts';
import type { OpenProject } from './ProjectSession.ts';
import { audioPath } from './projectLayout.ts';

/** What an open found left behind by a crash, and settled. */
export interface DebrisReport {
  /** Copies whose rows had committed, moved into the store (the crash came between the two), and checkpoints put back. */
  placed: number;
  /** Temporary files and store files without a clip, removed. */
  removed: number;
}

const HASH_DIR = /^[0-9a-f]{2}$/;
const STORE_NAME = /^([0-9a-f]{64})\.([a-z0-9]{1,8})$/;
/** The temporary name of copies made by imports before audio/.incoming existed. */
const OLD_TEMPORARY = /^([0-9a-f]{64})\.([a-z0-9]{1,8})\.(\d+)\.tmp$/;
/** checkpointStore's names: a checkpoint being written, and the one it replaces while it is moved in. */
const CHECKPOINT_DEBRIS = /^(checkpoint|best)\.(tmp|old)-(\d+)$/;

/**
 * Settles what a killed process left in the project folder, touching only files by the studio's own
 * names and only those whose writer is gone (a live import or training in another process keeps
 * its files):
 *
 * - audio/.incoming: a copy whose clip row committed is moved into the store, any other is removed;
 * - once per project (projects from before audio/.incoming): store files no clip row names, and the
 *   temporary copies earlier versions left beside them;
 * - the checkpoint folders of runs found interrupted on this open (`recoveredRuns`): a half-written
 *   checkpoint is removed, one set aside and never replaced is put back.
 *
 * Never fails the open: a file that cannot be settled now is left for the next one.
 */
export function cleanProjectDebris(project: OpenProject, recoveredRuns: readonly string[] = []): DebrisReport {
  const report: DebrisReport = { placed: 0, removed: 0 };
  const attempt = (what: () => void) => {
    try {
      what();
    } catch {
      // Left for the next open.
    }
  };
  attempt(() => settleIncoming(project, report));
  attempt(() => auditStoreOnce(project, report));
  for (const runId of recoveredRuns) attempt(() => settleCheckpoints(path.join(project.layout.runs, runId), report));
  return report;
}

function settleIncoming(project: OpenProject, report: DebrisReport): void {
  const { layout, db } = project;
  const names = listNames(layout.incoming);
  if (!names) return;
  const extOf = db.prepare('SELECT ext FROM clips WHERE hash = ?').pluck();
  for (const name of names) {
    const copy = parseIncoming(name);
    if (!copy) continue;
    const file = path.join(layout.incoming, name);
    if (writerAlive(file, copy.pid, copy.host)) continue;
    const target = audioPath(layout, copy.hash, copy.ext);
    if (extOf.get(copy.hash) === copy.ext && !fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(file, target);
      report.placed++;
    } else {
      fs.rmSync(file, { force: true });
      report.removed++;
    }
  }
  removeIncomingIfEmpty(layout);
}

/**
 * The whole store, once: before copies waited in audio/.incoming, a killed import left copies in
 * place whose rows never committed. The directory is listed before the rows are read, so a copy
 * another import moves in meanwhile already has its row.
 */
function auditStoreOnce(project: OpenProject, report: DebrisReport): void {
  const { layout, db } = project;
  const checked = db.prepare('SELECT audio_checked_at FROM project WHERE id = 1').pluck().get() as
    string | null | undefined;
  if (checked !== null) return;
  const files: { dir: string; name: string }[] = [];
  for (const dir of listNames(layout.audio) ?? []) {
    if (!HASH_DIR.test(dir)) continue;
    for (const name of listNames(path.join(layout.audio, dir)) ?? []) files.push({ dir, name });
  }
  const hashes = new Set(db.prepare('SELECT hash FROM clips').pluck().all() as string[]);
  for (const { dir, name } of files) {
    const file = path.join(layout.audio, dir, name);
    const stored = STORE_NAME.exec(name);
    const temporary = OLD_TEMPORARY.exec(name);
    const hash = stored?.[1] ?? temporary?.[1];
    if (!hash || !hash.startsWith(dir)) continue;
    if (stored ? hashes.has(hash) : writerAlive(file, Number(temporary![3]), hostTag())) continue;
    fs.rmSync(file, { force: true });
    report.removed++;
  }
  db.prepare('UPDATE project SET audio_checked_at = ? WHERE id = 1').run(new Date().toISOString());
}

function settleCheckpoints(runDir: string, report: DebrisReport): void {
  for (const name of listNames(runDir) ?? []) {
    const debris = CHECKPOINT_DEBRIS.exec(name);
    if (!debris) continue;
    const file = path.join(runDir, name);
    const [, kind, state] = debris;
    const current = path.join(runDir, kind!);
    // Set aside and never replaced (killed between the two renames): it is still the run's checkpoint.
    if (state === 'old' && !fs.existsSync(current)) {
      fs.renameSync(file, current);
      report.placed++;
    } else {
      fs.rmSync(file, { recursive: true, force: true });
      report.removed++;
    }
  }
}

/** The writer of a file named with its pid and host: alive, or this process still at work on it. */
function writerAlive(file: string, pid: number, host: string): boolean {
  if (pid === process.pid && host === hostTag()) return isInFlightHere(file);
  // On another machine (a shared project folder) the file's age stands in for a heartbeat.
  const modified = fs.statSync(file, { throwIfNoEntry: false })?.mtime.toISOString() ?? new Date(0).toISOString();
  return ownerAlive({ pid, host: host === hostTag() ? os.hostname() : host, heartbeatAt: modified });
}

function listNames(dir: string): string[] | null {
  try {
    return fs.readdirSync(dir);
  } catch {
    return null;
  }
}
