import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * What must hold in a project after any crash, once a process has reopened it. Each check returns
 * the violations it found; `checked` counts the checks made, for the fault-injection report.
 */
export interface InvariantResult {
  violations: string[];
  checked: number;
}

export function checkProjectInvariants(projectDir: string): InvariantResult {
  const db = new Database(path.join(projectDir, 'project.sqlite'), { readonly: true });
  const violations: string[] = [];
  let checked = 0;
  const check = (ok: boolean, what: string) => {
    checked++;
    if (!ok) violations.push(what);
  };
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    check(integrity === 'ok', `PRAGMA integrity_check: ${String(integrity)}`);
    const brokenReferences = db.pragma('foreign_key_check') as unknown[];
    check(brokenReferences.length === 0, `${brokenReferences.length} broken references (foreign_key_check)`);

    // Audio: every clip's file is there, and every file in audio/ belongs to a clip; no temporary leftovers.
    const clips = db.prepare('SELECT hash, ext FROM clips').all() as { hash: string; ext: string }[];
    const expected = new Set(clips.map((clip) => `${clip.hash}.${clip.ext}`));
    const audioDir = path.join(projectDir, 'audio');
    const files = fs.existsSync(audioDir)
      ? fs.readdirSync(audioDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
      : [];
    const names = new Set(files.map((entry) => entry.name));
    const missing = [...expected].filter((name) => !names.has(name));
    const orphans = files.map((entry) => entry.name).filter((name) => !expected.has(name));
    check(missing.length === 0, `${missing.length} clips without their audio file (${missing.slice(0, 3).join(', ')})`);
    check(orphans.length === 0, `${orphans.length} files in audio/ without a clip (${orphans.slice(0, 3).join(', ')})`);
    check(clips.length === expected.size, `${clips.length - expected.size} clips share a content hash`);

    // Runs: nothing "running" or "queued" without a live owner; no (run, key, step) recorded twice.
    const active = db
      .prepare(
        `SELECT r.id, r.status, o.pid, o.host FROM runs r LEFT JOIN run_owners o ON o.run_id = r.id WHERE r.status IN ('queued', 'running')`,
      )
      .all() as { id: string; status: string; pid: number | null; host: string | null }[];
    for (const run of active)
      check(run.pid !== null && isAlive(run.pid), `run ${run.id} is '${run.status}' without a live owner`);
    const duplicated = db
      .prepare('SELECT COUNT(*) FROM (SELECT 1 FROM metrics GROUP BY run_id, key, step HAVING COUNT(*) > 1)')
      .pluck()
      .get() as number;
    check(duplicated === 0, `${duplicated} (run, key, step) metric rows recorded more than once`);

    // Sweeps: one finished run per finished trial, and no run shared by two trials.
    const sharedRuns = db
      .prepare(
        'SELECT COUNT(*) FROM (SELECT run_id FROM trials WHERE run_id IS NOT NULL GROUP BY run_id HAVING COUNT(*) > 1)',
      )
      .pluck()
      .get() as number;
    check(sharedRuns === 0, `${sharedRuns} runs belong to more than one trial`);
    const doneWithoutRun = db
      .prepare(
        `SELECT COUNT(*) FROM trials t LEFT JOIN runs r ON r.id = t.run_id WHERE t.status = 'done' AND (r.id IS NULL OR r.status != 'done')`,
      )
      .pluck()
      .get() as number;
    check(doneWithoutRun === 0, `${doneWithoutRun} finished trials without a finished run`);
  } finally {
    db.close();
  }
  return { violations, checked };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Appends one scenario's counts to the report file named by KWS_FAULT_REPORT (for docs/benchmarks.md), and prints them. */
export function reportFaults(
  scenario: string,
  counts: { kills: number; invariantsChecked: number; lost: number },
): void {
  console.log(
    `fault-injection ${scenario}: kills=${counts.kills} invariants_checked=${counts.invariantsChecked} lost=${counts.lost}`,
  );
  const file = process.env.KWS_FAULT_REPORT;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ scenario, ...counts })}\n`);
}
