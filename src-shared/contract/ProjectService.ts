import type { Event } from './events.ts';
import type { ImportReport } from '../model/ImportReport.ts';
import type { ProjectInfo, RecentProject } from '../model/ProjectInfo.ts';
import type { TaskProgress } from '../model/TaskProgress.ts';

export interface CreateProjectInput {
  path: string;
  name?: string | undefined;
}

export interface OpenProjectInput {
  path: string;
}

export interface CreateDemoInput {
  /** Where to create the demo project; the studio's default demo folder when absent. */
  path?: string | undefined;
  seed?: number | undefined;
  clipsPerWord?: number | undefined;
}

export interface ImportFolderInput {
  path: string;
  /** A file-name pattern such as `{label}_{speaker}_{take}.wav`; absent: one folder per label. */
  pattern?: string | undefined;
}

/** Projects: create, open, the recent list, and bringing audio in. */
export interface ProjectService {
  create(input: CreateProjectInput): Promise<ProjectInfo>;
  open(input: OpenProjectInput): Promise<ProjectInfo>;
  close(): Promise<void>;
  current(): Promise<ProjectInfo | null>;
  recent(): Promise<RecentProject[]>;
  createDemo(input: CreateDemoInput): Promise<ProjectInfo>;
  importFolder(input: ImportFolderInput): Promise<ImportReport>;
  onDidChangeProject: Event<ProjectInfo | null>;
  onDidProgress: Event<TaskProgress>;
}
