import fs from 'node:fs';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { asCorruption, openProjectDatabase } from '../../store/openProjectDatabase.ts';
import { refreshDurationFlags } from '../library/refreshDurationFlags.ts';
import { recoverOrphanRuns } from '../runs/store/runOwners.ts';
import { cleanProjectDebris } from './cleanProjectDebris.ts';
import type { OpenProject } from './ProjectSession.ts';
import { projectLayout } from './projectLayout.ts';
import { readProjectInfo } from './readProjectInfo.ts';

/**
 * Opens the project at `target` and brings it up to date: duration flags, runs left by dead processes,
 * their debris. The project service and the training worker both open projects through here.
 */
export function openProject(target: string): OpenProject {
  const layout = projectLayout(target);
  if (!fs.existsSync(layout.database)) {
    throw new StudioError(
      'not_a_project',
      `${target} is not a KWS Studio project (no project.sqlite). Create a project there first (New project, or: kws-studio project create ${target}).`,
    );
  }
  const db = openProjectDatabase(layout.database);
  const project = { layout, db };
  try {
    const { clipDurationMs } = readProjectInfo(project);
    // The duration flags follow today's bounds without a re-analysis (a write only when one is out of date).
    refreshDurationFlags(db, clipDurationMs);
    // Runs whose process died (a killed CLI, a crash, a power cut) become interrupted, resumable.
    const recovered = recoverOrphanRuns(db);
    // What such a process left half-done on disk is finished or removed.
    cleanProjectDebris(project, recovered);
  } catch (error) {
    db.close();
    // A page damaged where the quick check does not look (an index's contents) surfaces here.
    throw asCorruption(error, layout.database) ?? error;
  }
  return project;
}
