import type { Event } from './events.ts';
import type { ImportPreview } from '../model/ImportPlan.ts';
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
  /** A file-name pattern such as `{label}_{speaker}_{take}.wav`. */
  pattern?: string | undefined;
  /** A CSV or JSON manifest (path, label, optional speaker and split), relative to `path`. */
  manifest?: string | undefined;
  /** Neither pattern nor manifest: one folder per label (Speech Commands layout). */
}

export interface CancelTaskInput {
  taskId: string;
}

/** Projects: create, open, the recent list, and bringing audio in. */
export interface ProjectService {
  create(input: CreateProjectInput): Promise<ProjectInfo>;
  open(input: OpenProjectInput): Promise<ProjectInfo>;
  close(): Promise<void>;
  current(): Promise<ProjectInfo | null>;
  recent(): Promise<RecentProject[]>;
  createDemo(input: CreateDemoInput): Promise<ProjectInfo>;
  /** What an import would take and how it would label it, before any audio is read. */
  previewImport(input: ImportFolderInput): Promise<ImportPreview>;
  /** Runs in the background; progress comes through onDidProgress, which names the task to cancel. */
  importFolder(input: ImportFolderInput): Promise<ImportReport>;
  /** Stops a running task (an import keeps the batches already written and reports them). */
  cancelTask(input: CancelTaskInput): Promise<void>;
  onDidChangeProject: Event<ProjectInfo | null>;
  onDidProgress: Event<TaskProgress>;
}
