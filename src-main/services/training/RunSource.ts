import type { TrainSpec } from '../../../src-shared/model/TrainSpec.ts';
import type { OpenProject } from '../project/ProjectSession.ts';
import type { ProjectLayout } from '../project/projectLayout.ts';
import { getRun } from '../runs/store/getRun.ts';
import { snapshotClips, type SnapshotClip } from '../runs/store/snapshotClips.ts';

/**
 * What a run trains on, read before training starts: its spec, its frozen snapshot and the
 * project's folders (audio store, feature cache, run folders). A queue worker gets the same from
 * its job and a shared project path, without opening the database.
 */
export interface RunSource {
  runId: string;
  spec: TrainSpec;
  clips: SnapshotClip[];
  layout: ProjectLayout;
}

export function projectRunSource(project: OpenProject, runId: string): RunSource {
  const run = getRun(project.db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  return { runId, spec: run.spec, clips: snapshotClips(project.db, run.snapshotId), layout: project.layout };
}
