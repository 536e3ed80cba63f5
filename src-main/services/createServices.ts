import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { createFeatureService } from './features/createFeatureService.ts';
import { createLibraryService } from './library/createLibraryService.ts';
import { ProjectSession } from './project/OpenProject.ts';
import { createProjectService } from './project/createProjectService.ts';
import { createSystemService } from './system/createSystemService.ts';
import { createTrainingService } from './training/createTrainingService.ts';

export interface StudioServices {
  services: ServiceTable;
  session: ProjectSession;
  dispose(): void;
}

/** The composition root of the services, shared by Electron, serve mode, the CLI and tests. */
export function createServices(options: { home: string }): StudioServices {
  const session = new ProjectSession();
  const training = createTrainingService(session);
  const services: ServiceTable = {
    project: createProjectService({ session, home: options.home }),
    library: createLibraryService(session),
    features: createFeatureService(session),
    training,
    system: createSystemService(options.home),
  };
  return {
    services,
    session,
    dispose() {
      training.dispose();
      session.current?.db.close();
      session.current = null;
    },
  };
}
