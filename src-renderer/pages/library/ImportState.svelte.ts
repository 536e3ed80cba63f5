import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import type { ImportReport, RejectedFile } from '../../../src-shared/model/ImportReport.ts';
import {
  isUploadableFileName,
  manifestExtensions,
  uploadLimits,
  uploadPathProblem,
} from '../../../src-shared/model/Upload.ts';
import {
  collectDroppedFiles,
  commonTopFolder,
  relativePathOf,
  snapshotDrop,
  type DropItem,
  type DroppedFile,
} from '../../lib/drop/collectDroppedFiles.ts';
import type { ToastState } from '../../lib/state/ToastState.svelte.ts';

/** Where an import starts from after a drop: a folder the host can read, or files uploaded into the project. */
export type ImportSource =
  | { kind: 'folder'; path: string }
  | {
      kind: 'upload';
      uploadId: string;
      /** The folder inside the upload to import ("." for all of it). */
      path: string;
      /** How the panel and the report name it: the dropped folder, or "dropped files". */
      name: string;
      files: number;
      bytes: number;
      /** A manifest lying in that folder, which suggests the manifest layout. */
      manifest: string | undefined;
    };

export interface UploadStatus {
  name: string;
  files: number;
  totalBytes: number;
  sentBytes: number;
}

/** Bytes per call: big enough that small clips travel many to a call, well under the host's limit. */
const CALL_BYTES = 4 * 2 ** 20;

/**
 * The import panel's state and everything a drop on the library sets off. In Electron a dropped
 * folder has a real path and is imported in place; everything else (any drop in a browser, loose
 * files in Electron) is uploaded into a staging folder of the project, with progress, and the
 * panel opens on it. The staged copy is deleted by the host when its import ends, and here when
 * the panel is closed without importing.
 */
export class ImportState {
  panelOpen = $state(false);
  /** True while files are dragged over the window: the drop zone shows. */
  dragging = $state(false);
  /** The latest drop, ready for the panel; `id` changes with every drop so the panel notices. */
  dropped = $state<{ id: number; source: ImportSource; skipped: RejectedFile[] } | null>(null);
  uploading = $state<UploadStatus | null>(null);
  /** The last import's per-file report; kept here so it outlives the panel that showed it. */
  report = $state<ImportReport | null>(null);
  private drops = 0;
  private cancelled = false;

  constructor(
    readonly services: ServiceTable,
    private readonly toasts: ToastState,
    /** Electron only: the real path of a dropped file or folder. */
    private readonly pathForFile?: (file: File) => string,
    /** Electron only: the system's folder dialog. */
    readonly chooseFolder?: () => Promise<string | null>,
  ) {}

  /** Files picked with the browser's folder or file chooser: uploaded like a drop. */
  pick(files: ArrayLike<File>): Promise<void> {
    const picked = Array.from(files, (file) => ({ relativePath: relativePathOf(file), file }));
    return this.upload(picked).catch((error: unknown) => this.toasts.error(error));
  }

  /** Call from the drop event handler itself: the items can only be read while it runs. */
  drop(items: ArrayLike<DropItem<File>>): Promise<void> {
    const sources = snapshotDrop(items);
    if (this.uploading) {
      this.toasts.show('error', 'An upload is still running; wait for it or cancel it before dropping more files.');
      return Promise.resolve();
    }
    const only = sources.length === 1 ? sources[0]! : undefined;
    const folderPath = only?.entry?.isDirectory && only.file && this.pathForFile ? this.pathForFile(only.file) : '';
    if (folderPath) {
      // A folder the host can read: imported in place, nothing copied twice.
      this.open({ kind: 'folder', path: folderPath }, []);
      return Promise.resolve();
    }
    return collectDroppedFiles(sources)
      .then((files) => this.upload(files))
      .catch((error: unknown) => this.toasts.error(error));
  }

  /** Uploads files from a drop (or a picker) into the project's staging folder, then opens the panel on them. */
  async upload(dropped: readonly DroppedFile<File>[]): Promise<void> {
    const skipped: RejectedFile[] = [];
    const files: DroppedFile<File>[] = [];
    for (const item of dropped) {
      const reason = this.uploadProblem(item);
      if (reason === null) continue;
      if (reason) skipped.push({ path: item.relativePath, reason });
      else files.push(item);
    }
    if (files.length === 0) {
      this.toasts.show(
        'error',
        skipped.length
          ? `Nothing to import: ${skipped[0]!.path}: ${skipped[0]!.reason}${skipped.length > 1 ? ` (and ${skipped.length - 1} more)` : ''}.`
          : 'Nothing to import: the drop holds no files.',
      );
      return;
    }
    const totalBytes = files.reduce((sum, item) => sum + item.file.size, 0);
    if (totalBytes > uploadLimits.maxTotalBytes) {
      this.toasts.show(
        'error',
        `The drop holds ${gib(totalBytes)} GiB of audio; at most ${gib(uploadLimits.maxTotalBytes)} GiB can be uploaded at once. Drop it in parts, or run the studio where the files are and import the folder in place.`,
      );
      return;
    }
    const paths = files.map((item) => item.relativePath);
    const root = commonTopFolder(paths);
    const name = root === '.' ? 'dropped files' : root;
    this.cancelled = false;
    this.report = null;
    this.panelOpen = true;
    this.uploading = { name, files: files.length, totalBytes, sentBytes: 0 };
    let uploadId: string | undefined;
    try {
      ({ uploadId } = await this.services.project.beginUpload({
        files: files.map((item) => ({ path: item.relativePath, size: item.file.size })),
      }));
      await this.send(uploadId, files);
      if (this.cancelled) {
        await this.services.project.discardUpload({ uploadId });
        return;
      }
      const inRoot = (file: string) => (root === '.' ? file : file.slice(root.length + 1));
      const manifests = paths
        .map(inRoot)
        .filter(
          (file) =>
            !file.includes('/') && manifestExtensions.some((extension) => file.toLowerCase().endsWith(extension)),
        );
      this.open(
        {
          kind: 'upload',
          uploadId,
          path: root,
          name,
          files: files.length,
          bytes: totalBytes,
          manifest: manifests.length === 1 ? manifests[0] : undefined,
        },
        skipped,
      );
    } catch (error) {
      if (uploadId) void this.services.project.discardUpload({ uploadId }).catch(() => undefined);
      this.toasts.error(error);
    } finally {
      this.uploading = null;
    }
  }

  /** Opened from the toolbar: a fresh panel, without the report of an earlier import. */
  openPanel(): void {
    this.report = null;
    this.panelOpen = true;
  }

  cancelUpload(): void {
    this.cancelled = true;
  }

  /** The panel is closed: an upload that was not imported is deleted. */
  close(): void {
    this.panelOpen = false;
    this.cancelled = true;
    void this.discardDropped();
  }

  /** Forgets the dropped source; an upload that was not imported is deleted from the project. */
  async discardDropped(): Promise<void> {
    const source = this.dropped?.source;
    this.dropped = null;
    if (source?.kind === 'upload')
      await this.services.project.discardUpload({ uploadId: source.uploadId }).catch(() => undefined);
  }

  /** The import ran: a dropped source is used up (the host has already deleted an upload). */
  consumed(): void {
    this.dropped = null;
  }

  private open(source: ImportSource, skipped: RejectedFile[]): void {
    const previous = this.dropped?.source;
    if (previous?.kind === 'upload')
      void this.services.project.discardUpload({ uploadId: previous.uploadId }).catch(() => undefined);
    this.dropped = { id: ++this.drops, source, skipped };
    this.panelOpen = true;
  }

  /** null: leave out silently (hidden files such as .DS_Store); a reason: leave out and say why; '': upload. */
  private uploadProblem(item: DroppedFile<File>): string | null {
    if (item.relativePath.split('/').some((part) => part.startsWith('.'))) return null;
    if (!isUploadableFileName(item.relativePath))
      return 'neither audio (WAV, FLAC, MP3, Ogg) nor a CSV / JSON manifest';
    const problem = uploadPathProblem(item.relativePath);
    if (problem) return problem;
    if (item.file.size > uploadLimits.maxFileBytes)
      return `${(item.file.size / 2 ** 20).toFixed(0)} MiB, more than the ${uploadLimits.maxFileBytes / 2 ** 20} MiB a file may have`;
    return '';
  }

  /** Sends the bytes in calls of up to CALL_BYTES, many small files to a call, one call in flight. */
  private async send(uploadId: string, files: readonly DroppedFile<File>[]): Promise<void> {
    let pieces: { path: string; offset: number; bytes: Uint8Array }[] = [];
    let pending = 0;
    const flush = async () => {
      if (pieces.length === 0) return;
      const progress = await this.services.project.uploadChunk({ uploadId, pieces });
      pieces = [];
      pending = 0;
      if (this.uploading) this.uploading = { ...this.uploading, sentBytes: progress.receivedBytes };
    };
    for (const { relativePath, file } of files) {
      for (let offset = 0; offset < file.size;) {
        if (this.cancelled) return;
        const end = Math.min(file.size, offset + (CALL_BYTES - pending));
        const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer());
        pieces.push({ path: relativePath, offset, bytes });
        pending += bytes.byteLength;
        offset = end;
        if (pending >= CALL_BYTES) await flush();
      }
    }
    await flush();
  }
}

function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}
