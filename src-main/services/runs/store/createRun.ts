import { randomBytes } from 'node:crypto';
import type { TrainSpec } from '../../../../src-shared/model/TrainSpec.ts';
import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';
import { claimRun, thisProcess, type RunOwner } from './runOwners.ts';
import { trainSpecHash } from './trainSpecHash.ts';
import { uniqueRunName } from './uniqueRunName.ts';

/**
 * A new queued run, owned by the process that creates it (`owner`, this process by default) until
 * a training worker takes it over: a run is never without a live owner while it waits, so no other
 * process takes it for abandoned.
 */
export function createRun(
  db: ProjectDatabase,
  spec: TrainSpec,
  snapshotId: string,
  appVersion: string,
  owner: RunOwner = thisProcess(),
): string {
  const now = new Date();
  const id = `run-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const name = uniqueRunName(db, spec.name?.trim() || `${spec.model.kind} ${spec.features.type}`);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO runs (id, name, spec_json, spec_hash, snapshot_id, status, created_at, app_version)
       VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`,
    ).run(id, name, JSON.stringify(spec), trainSpecHash(spec), snapshotId, now.toISOString(), appVersion);
    claimRun(db, id, owner);
  })();
  return id;
}
