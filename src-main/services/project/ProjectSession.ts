import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import type { ProjectDatabase } from '../../store/openProjectDatabase.ts';
import type { ProjectLayout } from './projectLayout.ts';

/**
 * A project that is open: its folders and its database connection. It lives here rather than in a file
 * of its own because `OpenProject.ts` and `openProject.ts` would be one file on macOS and Windows.
 */
export interface OpenProject {
  layout: ProjectLayout;
  db: ProjectDatabase;
}

/** The one project the services work on; library and later services read it from here. */
export class ProjectSession {
  current: OpenProject | null = null;

  require(): OpenProject {
    if (!this.current) throw new StudioError('no_project', 'No project is open. Create or open a project first.');
    return this.current;
  }
}
