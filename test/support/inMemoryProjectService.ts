import type {
  BeginUploadInput,
  ForgetRecentInput,
  ProjectService,
  UploadChunkInput,
  UploadIdInput,
  UploadInfo,
  UploadProgress,
} from '../../src-shared/contract/ProjectService.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import type { ProjectInfo, RecentProject } from '../../src-shared/model/ProjectInfo.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';

/** One staged upload: the files announced, and the bytes received for each. */
export interface StagedUpload {
  files: Map<string, number>;
  received: Map<string, Uint8Array[]>;
}

export function projectInfo(path: string, name = path.slice(path.lastIndexOf('/') + 1)): ProjectInfo {
  return {
    path,
    name,
    createdAt: '2026-01-01T00:00:00.000Z',
    schemaVersion: 10,
    sampleRate: 16000,
    clipDurationMs: 1000,
    clipCount: 0,
    noiseCount: 0,
    labelCount: 0,
  };
}

/**
 * The project service in memory: projects that exist are the `folders` given, a recent list, and
 * staged uploads whose pieces are checked to arrive in order, as the real host checks them.
 */
export class InMemoryProjectService implements Partial<ProjectService> {
  private readonly projectChanged = new Emitter<ProjectInfo | null>();
  private readonly progressed = new Emitter<TaskProgress>();
  readonly onDidChangeProject = this.projectChanged.event;
  readonly onDidProgress = this.progressed.event;
  project: ProjectInfo | null = null;
  readonly uploads = new Map<string, StagedUpload>();
  readonly discarded: string[] = [];

  constructor(
    /** Folders holding a project, by path. */
    readonly folders = new Set<string>(),
    public recents: RecentProject[] = [],
  ) {}

  async current(): Promise<ProjectInfo | null> {
    return this.project;
  }

  async recent(): Promise<RecentProject[]> {
    return this.recents;
  }

  async forgetRecent(input: ForgetRecentInput): Promise<RecentProject[]> {
    this.recents = this.recents.filter((item) => ('missing' in input ? item.exists : item.path !== input.path));
    return this.recents;
  }

  async open({ path }: { path: string }): Promise<ProjectInfo> {
    if (!this.folders.has(path))
      throw new StudioError('not_a_project', `${path} is not a KWS Studio project (no project.sqlite).`);
    return this.switchTo(projectInfo(path));
  }

  async create({ path, name }: { path: string; name?: string | undefined }): Promise<ProjectInfo> {
    if (this.folders.has(path)) throw new StudioError('project_exists', `${path} already holds a project.`);
    this.folders.add(path);
    return this.switchTo(projectInfo(path, name));
  }

  async close(): Promise<void> {
    this.project = null;
    this.projectChanged.fire(null);
  }

  /** Reports a task's progress, as a running import or demo does. */
  progress(task: TaskProgress): void {
    this.progressed.fire(task);
  }

  async beginUpload(input: BeginUploadInput): Promise<UploadInfo> {
    const uploadId = `upload-${crypto.randomUUID()}`;
    this.uploads.set(uploadId, {
      files: new Map(input.files.map((file) => [file.path, file.size])),
      received: new Map(),
    });
    return { uploadId, files: input.files.length, bytes: input.files.reduce((sum, file) => sum + file.size, 0) };
  }

  async uploadChunk(input: UploadChunkInput): Promise<UploadProgress> {
    const upload = this.staged(input.uploadId);
    for (const piece of input.pieces) {
      const size = upload.files.get(piece.path);
      if (size === undefined) throw new StudioError('invalid_input', `${piece.path} was not announced in this upload.`);
      const pieces = upload.received.get(piece.path) ?? [];
      const had = pieces.reduce((sum, bytes) => sum + bytes.byteLength, 0);
      if (piece.offset !== had)
        throw new StudioError(
          'invalid_input',
          `${piece.path}: a piece at ${piece.offset}, but ${had} bytes were received.`,
        );
      if (had + piece.bytes.byteLength > size)
        throw new StudioError('invalid_input', `${piece.path}: more bytes than the ${size} announced.`);
      upload.received.set(piece.path, [...pieces, piece.bytes]);
    }
    const receivedOf = (path: string) =>
      (upload.received.get(path) ?? []).reduce((sum, bytes) => sum + bytes.byteLength, 0);
    const paths = [...upload.files.keys()];
    return {
      receivedBytes: paths.reduce((sum, path) => sum + receivedOf(path), 0),
      totalBytes: [...upload.files.values()].reduce((sum, size) => sum + size, 0),
      completeFiles: paths.filter((path) => receivedOf(path) === upload.files.get(path)).length,
    };
  }

  async discardUpload({ uploadId }: UploadIdInput): Promise<void> {
    this.staged(uploadId);
    this.uploads.delete(uploadId);
    this.discarded.push(uploadId);
  }

  /** A staged file's bytes, joined. */
  bytesOf(uploadId: string, path: string): Uint8Array {
    const pieces = this.staged(uploadId).received.get(path) ?? [];
    const joined = new Uint8Array(pieces.reduce((sum, bytes) => sum + bytes.byteLength, 0));
    let offset = 0;
    for (const bytes of pieces) {
      joined.set(bytes, offset);
      offset += bytes.byteLength;
    }
    return joined;
  }

  private staged(uploadId: string): StagedUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new StudioError('not_found', `There is no upload ${uploadId}.`);
    return upload;
  }

  private switchTo(project: ProjectInfo): ProjectInfo {
    this.project = project;
    this.recents = [
      { path: project.path, name: project.name, openedAt: '2026-01-02T00:00:00.000Z', exists: true },
      ...this.recents.filter((item) => item.path !== project.path),
    ];
    this.projectChanged.fire(project);
    return project;
  }
}
