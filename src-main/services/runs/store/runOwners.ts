import os from 'node:os';
import path from 'node:path';
import { processAlive } from '../../processAlive.ts';
import { StudioError } from '../../../../src-shared/contract/StudioError.ts';
import type { TrainingProgress } from '../../../../src-shared/model/Run.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { markRunInterrupted } from './markRunInterrupted.ts';

/**
 * Who trains a run: exactly one process at a time, recorded in `run_owners` with its host and a
 * heartbeat. The process that starts a run claims it with the run; its training worker takes it
 * over; a queue coordinator owns the runs its remote workers train. Any process that opens the
 * project can then tell a run in progress from one whose process is gone, and ask the owner to
 * cancel through the database.
 */
export interface RunOwner {
  pid: number;
  host: string;
  /** What the process is, for messages: "kws-studio train", "KWS Studio", "training worker". */
  owner: string;
}

export interface OwnerRow extends RunOwner {
  runId: string;
  startedAt: string;
  heartbeatAt: string;
  cancelRequestedAt: string | null;
  progress: TrainingProgress | null;
}

/** A process on another machine is taken for gone when it has not beaten for this long. */
export const REMOTE_OWNER_TIMEOUT_MS = 10 * 60_000;

export function thisProcess(owner = defaultOwnerName()): RunOwner {
  return { pid: process.pid, host: os.hostname(), owner };
}

/** "kws-studio train" for the CLI, "KWS Studio" for the app, else the script's name. */
function defaultOwnerName(): string {
  const script = path.basename(process.argv[1] ?? '');
  const cliEntry = /[\\/]cli[\\/]main\.ts$/.test(process.argv[1] ?? '');
  if (script === 'kws-studio.js' || cliEntry) return `kws-studio ${process.argv[2] ?? ''}`.trim();
  if (process.versions.electron) return 'KWS Studio';
  return script || 'a KWS Studio process';
}

/**
 * Runs a part of this process works on, from its claim to its release. The owner record names a
 * process, and this process may renew its own claims (a sweep claims the run it has just created);
 * a claim made for a user (`exclusive`) must not take a run from another part of the same process,
 * such as a sweep whose worker is still starting.
 */
const heldHere = new Set<string>();

/**
 * Makes `who` the owner of the run, in one transaction: the check and the claim are one step, so of
 * two processes that claim a run at once, one gets it and the other is refused, naming the owner.
 * Refused while another live process owns it, and for a run in the trash; `takeOverFrom` lets a
 * training worker take a run over from the process that started it. A run whose owner is gone is
 * taken over (that is what resuming an interrupted run is).
 */
export function claimRun(
  db: ProjectDatabase,
  runId: string,
  who: RunOwner,
  options: { takeOverFrom?: number; exclusive?: boolean } = {},
): void {
  // IMMEDIATE: the write lock first (waiting for it), then the read. A deferred transaction that read
  // the owner and then wrote would fail at once ("database is locked") if a training process had
  // written in between, as the workers of runs side by side do every second.
  const claim = db.transaction(() => {
    const deleted = db.prepare('SELECT deleted_at FROM runs WHERE id = ?').pluck().get(runId) as
      string | null | undefined;
    if (deleted)
      throw new StudioError('invalid_input', `Run ${runId} is deleted; restore it from the trash before resuming it.`);
    const current = ownerOf(db, runId);
    const sameHost = current !== null && current.host === who.host;
    const fromParent = sameHost && current.pid === options.takeOverFrom;
    const renewed =
      sameHost && current.pid === who.pid && !(options.exclusive && who.pid === process.pid && heldHere.has(runId));
    const handedOver = fromParent || renewed;
    if (current && !handedOver && ownerAlive(current)) throw runBusyError(runId, current);
    const now = new Date().toISOString();
    // A worker taking over says whose it is: "kws-studio train's training worker".
    const owner = handedOver && current.pid !== who.pid ? `${current.owner}'s ${who.owner}` : who.owner;
    db.prepare(
      `INSERT INTO run_owners (run_id, pid, host, owner, started_at, heartbeat_at, cancel_requested_at, progress_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, owner = excluded.owner,
         started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,
         cancel_requested_at = CASE WHEN ? THEN run_owners.cancel_requested_at END`,
    ).run(runId, who.pid, who.host, owner, now, now, handedOver ? current.cancelRequestedAt : null, handedOver ? 1 : 0);
  });
  claim.immediate();
  if (who.pid === process.pid && who.host === os.hostname()) heldHere.add(runId);
}

/** Gives the run up, if `who` still owns it. */
export function releaseRun(db: ProjectDatabase, runId: string, who: RunOwner): void {
  if (who.pid === process.pid) heldHere.delete(runId);
  db.prepare('DELETE FROM run_owners WHERE run_id = ? AND pid = ? AND host = ?').run(runId, who.pid, who.host);
}

/** True while `who` is the run's owner: a process that lost its run (taken over) must stop writing it. */
export function ownsRun(db: ProjectDatabase, runId: string, who: RunOwner): boolean {
  return (
    db.prepare('SELECT 1 FROM run_owners WHERE run_id = ? AND pid = ? AND host = ?').get(runId, who.pid, who.host) !==
    undefined
  );
}

/** A write refused because the writer no longer owns the run. */
export class RunTakenOver extends Error {
  constructor(runId: string, now: OwnerRow | null) {
    super(
      now
        ? `Run ${runId} was taken over by ${now.owner} (process ${now.pid} on ${now.host}); this process stopped without writing to it.`
        : `Run ${runId} is no longer owned by this process (its owner record is gone); this process stopped without writing to it.`,
    );
    this.name = 'RunTakenOver';
  }
}

/**
 * Runs `write` only while `who` owns the run, check and write in one transaction, so a process that
 * lost the run cannot slip a write in after the new owner's claim. Throws RunTakenOver otherwise.
 */
export function writeAsOwner<T>(db: ProjectDatabase, runId: string, who: RunOwner, write: () => T): T {
  const guarded = db.transaction(() => {
    if (!ownsRun(db, runId, who)) throw new RunTakenOver(runId, ownerOf(db, runId));
    return write();
  });
  return guarded.immediate();
}

/** What resuming a run does, from its last checkpoint: for the messages of interrupted runs. */
export function resumeNote(checkpointEpoch: number | null): string {
  return checkpointEpoch === null ? 'resume starts it over' : `resume continues after epoch ${checkpointEpoch + 1}`;
}

/**
 * The run's owner while it is at work: a live process, or a part of this one. A record of this
 * process that no part of it holds any more (a claim left behind when its worker never started) does not count.
 */
export function liveOwnerOf(db: ProjectDatabase, runId: string): OwnerRow | null {
  const owner = ownerOf(db, runId);
  if (!owner || !ownerAlive(owner)) return null;
  if (owner.pid === process.pid && owner.host === os.hostname() && !heldHere.has(runId)) return null;
  return owner;
}

/**
 * The owner's heartbeat for its runs (with each run's latest progress, for viewers in other
 * processes); returns the runs someone asked to cancel.
 */
export function beatRuns(
  db: ProjectDatabase,
  who: RunOwner,
  progress: ReadonlyMap<string, TrainingProgress> = new Map(),
): string[] {
  const now = new Date().toISOString();
  db.prepare('UPDATE run_owners SET heartbeat_at = ? WHERE pid = ? AND host = ?').run(now, who.pid, who.host);
  const setProgress = db.prepare('UPDATE run_owners SET progress_json = ? WHERE run_id = ? AND pid = ? AND host = ?');
  for (const [runId, latest] of progress) setProgress.run(JSON.stringify(latest), runId, who.pid, who.host);
  return db
    .prepare('SELECT run_id FROM run_owners WHERE pid = ? AND host = ? AND cancel_requested_at IS NOT NULL')
    .pluck()
    .all(who.pid, who.host) as string[];
}

/** Asks the run's live owner to stop it; false when no live process owns the run. */
export function requestCancel(db: ProjectDatabase, runId: string): boolean {
  const owner = ownerOf(db, runId);
  if (!owner || !ownerAlive(owner)) return false;
  db.prepare('UPDATE run_owners SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE run_id = ?').run(
    new Date().toISOString(),
    runId,
  );
  return true;
}

export function ownerOf(db: ProjectDatabase, runId: string): OwnerRow | null {
  const row = db.prepare('SELECT * FROM run_owners WHERE run_id = ?').get(runId) as RawOwnerRow | undefined;
  return row ? toOwnerRow(row) : null;
}

export function listOwners(db: ProjectDatabase): OwnerRow[] {
  return (db.prepare('SELECT * FROM run_owners').all() as RawOwnerRow[]).map(toOwnerRow);
}

/**
 * On this machine a process is alive while its pid is; elsewhere, while it beats. (A process
 * computing features for a large project may not beat for minutes, so the pid is the better
 * witness wherever it can be asked.)
 */
export function ownerAlive(owner: Pick<OwnerRow, 'pid' | 'host' | 'heartbeatAt'>, now = Date.now()): boolean {
  if (owner.host !== os.hostname()) return now - Date.parse(owner.heartbeatAt) < REMOTE_OWNER_TIMEOUT_MS;
  return processAlive(owner.pid);
}

/**
 * Runs left queued or running by a process that is gone (killed, crashed, the machine lost power)
 * become `interrupted`: resumable from their last checkpoint. Returns their ids. The owners are
 * checked again under the write lock, so a run claimed in between (resumed by another process) is
 * left alone.
 */
export function recoverOrphanRuns(db: ProjectDatabase): string[] {
  // A cheap read first: nearly always there is nothing to recover, and no write lock is taken then.
  if (findOrphans(db).length === 0) return [];
  const recover = db.transaction(() => {
    const orphans = findOrphans(db);
    const now = new Date().toISOString();
    const forget = db.prepare('DELETE FROM run_owners WHERE run_id = ? AND pid IS ?');
    for (const run of orphans) {
      const who = run.pid === null ? 'its process' : `${run.owner} (process ${run.pid} on ${run.host})`;
      markRunInterrupted(
        db,
        run.id,
        `interrupted: ${who} ended without finishing the run; ${resumeNote(run.checkpointEpoch)}`,
        now,
      );
      forget.run(run.id, run.pid);
    }
    return orphans.map((run) => run.id);
  });
  return recover.immediate();
}

interface OrphanCandidate {
  id: string;
  checkpointEpoch: number | null;
  pid: number | null;
  host: string | null;
  owner: string | null;
  heartbeatAt: string | null;
}

function findOrphans(db: ProjectDatabase): OrphanCandidate[] {
  const candidates = db
    .prepare(
      `SELECT r.id, r.checkpoint_epoch AS checkpointEpoch, o.pid, o.host, o.owner, o.heartbeat_at AS heartbeatAt
       FROM runs r LEFT JOIN run_owners o ON o.run_id = r.id WHERE r.status IN ('queued', 'running')`,
    )
    .all() as OrphanCandidate[];
  return candidates.filter(
    (run) => run.pid === null || !ownerAlive({ pid: run.pid, host: run.host!, heartbeatAt: run.heartbeatAt! }),
  );
}

/** "Run … is being trained by kws-studio train (process 4711 on box, since …); cancel it there or wait for it to end." */
export function runBusyError(runId: string, owner: OwnerRow): StudioError {
  return new StudioError(
    'invalid_input',
    `Run ${runId} is being trained by ${owner.owner} (process ${owner.pid} on ${owner.host}, since ${owner.startedAt}); cancel it there or wait for it to end.`,
  );
}

interface RawOwnerRow {
  run_id: string;
  pid: number;
  host: string;
  owner: string;
  started_at: string;
  heartbeat_at: string;
  cancel_requested_at: string | null;
  progress_json: string | null;
}

function toOwnerRow(row: RawOwnerRow): OwnerRow {
  return {
    runId: row.run_id,
    pid: row.pid,
    host: row.host,
    owner: row.owner,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    cancelRequestedAt: row.cancel_requested_at,
    progress: row.progress_json ? (JSON.parse(row.progress_json) as TrainingProgress) : null,
  };
}
