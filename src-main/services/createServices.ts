import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { createExportService } from './export/createExportService.ts';
import { runModelInputs } from './training/runModelInputs.ts';
import { createFeatureService } from './features/createFeatureService.ts';
import { createLibraryService } from './library/createLibraryService.ts';
import { ProjectSession } from './project/ProjectSession.ts';
import { removeStagedUploads } from './project/uploadStaging.ts';
import { createProjectService } from './project/createProjectService.ts';
import { createRunService } from './runs/createRunService.ts';
import { createSystemService } from './system/createSystemService.ts';
import { createSweepService } from './sweeps/createSweepService.ts';
import { createTrainingService } from './training/createTrainingService.ts';

export interface StudioServices {
  services: ServiceTable;
  session: ProjectSession;
  /**
   * For the app (Electron, serve mode): a sweep still marked running in a project carries on when the
   * project opens, so killing the studio mid-sweep loses nothing. One-shot CLI commands leave it off.
   */
  resumeSweepsOnOpen(): void;
  /** For a process that is stopping (serve mode): removes every browser drop it staged, even one an import is reading. */
  removeStagedUploads(): number;
  dispose(): void;
}

/** The composition root of the services, shared by Electron, serve mode, the CLI and tests. */
export function createServices(options: { home: string }): StudioServices {
  const session = new ProjectSession();
  const training = createTrainingService(session);
  const sweeps = createSweepService(session);
  const runs = createRunService(session);
  const services: ServiceTable = {
    project: createProjectService({ session, home: options.home }),
    library: createLibraryService(session),
    features: createFeatureService(session),
    training,
    sweeps,
    runs,
    export: createExportService({ session, runs, modelInputs: runModelInputs }),
    system: createSystemService(options.home),
  };
  return {
    services,
    session,
    resumeSweepsOnOpen() {
      if (session.current) sweeps.resumeUnfinished(session.current);
      services.project.onDidChangeProject(() => {
        if (session.current) sweeps.resumeUnfinished(session.current);
      });
    },
    removeStagedUploads,
    dispose() {
      training.dispose();
      sweeps.dispose();
      runs.dispose();
      session.current?.db.close();
      session.current = null;
    },
  };
}
