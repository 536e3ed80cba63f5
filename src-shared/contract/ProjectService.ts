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

/** One project of the recent list, by its folder, or every one whose folder or database is gone. */
export type ForgetRecentInput = { path: string } | { missing: true };

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
  /**
   * Files staged with beginUpload / uploadChunk (a browser drop). `path` is then a folder inside the
   * upload ("." for all of it), and the staged copy is deleted once the import ends, however it ends.
   */
  uploadId?: string | undefined;
  /** Neither pattern nor manifest: one folder per label (Speech Commands layout). */
}

export interface BeginUploadInput {
  /** Every file the upload will carry: its path relative to the drop (forward slashes) and size. */
  files: { path: string; size: number }[];
}

export interface UploadInfo {
  uploadId: string;
  files: number;
  bytes: number;
}

export interface UploadChunkInput {
  uploadId: string;
  /** Pieces of one or more files; each file's pieces arrive in order (offset = bytes received so far). */
  pieces: { path: string; offset: number; bytes: Uint8Array }[];
}

export interface UploadProgress {
  receivedBytes: number;
  totalBytes: number;
  /** Files received in full. */
  completeFiles: number;
}

export interface UploadIdInput {
  uploadId: string;
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
  /** Removes projects from the recent list (their folders are not touched); returns the list left. */
  forgetRecent(input: ForgetRecentInput): Promise<RecentProject[]>;
  createDemo(input: CreateDemoInput): Promise<ProjectInfo>;
  /** What an import would take and how it would label it, before any audio is read. */
  previewImport(input: ImportFolderInput): Promise<ImportPreview>;
  /** Runs in the background; progress comes through onDidProgress, which names the task to cancel. */
  importFolder(input: ImportFolderInput): Promise<ImportReport>;
  /**
   * Opens a staging folder inside the project for the files of a browser drop; checks paths and
   * sizes first. Uploads travel through this contract rather than a separate HTTP route: the
   * WebSocket is already authenticated (token cookie, Host and Origin checks), every chunk is
   * schema-checked like any other call, and Electron and the tests use the very same path. The
   * price is base64 (a third more bytes), which loopback absorbs easily.
   */
  beginUpload(input: BeginUploadInput): Promise<UploadInfo>;
  uploadChunk(input: UploadChunkInput): Promise<UploadProgress>;
  /** Deletes a staged upload that will not be imported (the drop was cancelled or the panel closed). */
  discardUpload(input: UploadIdInput): Promise<void>;
  /** Stops a running task (an import keeps the batches already written and reports them). */
  cancelTask(input: CancelTaskInput): Promise<void>;
  onDidChangeProject: Event<ProjectInfo | null>;
  onDidProgress: Event<TaskProgress>;
}
