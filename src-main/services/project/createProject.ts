import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { openProjectDatabase } from '../../store/openProjectDatabase.ts';
import { appVersion } from '../appVersion.ts';
import type { OpenProject } from './ProjectSession.ts';
import { projectLayout } from './projectLayout.ts';

/** Refuses a folder that already holds a project or anything else; a project starts in a new or empty folder. */
export function assertCanCreate(target: string): void {
  if (fs.existsSync(path.join(target, 'project.sqlite'))) {
    throw new StudioError('project_exists', `${target} already holds a project; open it instead.`);
  }
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) {
    throw new StudioError('project_exists', `${target} is not empty; choose a new or empty folder for the project.`);
  }
}

/** Makes the project folders and database at `target` (named `name`, or after the folder) and returns it open. */
export function createProject(target: string, name?: string): OpenProject {
  assertCanCreate(target);
  const layout = projectLayout(target);
  try {
    for (const dir of [layout.root, layout.audio, layout.derived, layout.featureCache, layout.runs]) {
      fs.mkdirSync(dir, { recursive: true });
    }
  } catch (error) {
    throw new StudioError('io_error', `Cannot create the project folder ${target}: ${(error as Error).message}`);
  }
  const db = openProjectDatabase(layout.database, { create: true });
  const now = new Date().toISOString();
  // A new store has nothing from before audio/.incoming to check.
  db.prepare(
    'INSERT INTO project (id, name, created_at, created_by_version, audio_checked_at) VALUES (1, ?, ?, ?, ?)',
  ).run(name ?? path.basename(target), now, appVersion, now);
  return { layout, db };
}
