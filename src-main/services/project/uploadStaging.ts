import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BeginUploadInput,
  UploadChunkInput,
  UploadInfo,
  UploadProgress,
} from '../../../src-shared/contract/ProjectService.ts';
import { StudioError } from '../../../src-shared/contract/StudioError.ts';
import { uploadLimits, uploadPathProblem } from '../../../src-shared/model/Upload.ts';
import { processAlive } from '../processAlive.ts';
import type { ProjectLayout } from './projectLayout.ts';

interface StagedFile {
  size: number;
  received: number;
}

interface Upload {
  id: string;
  /** The project the upload was staged in: an import into another project is refused. */
  projectRoot: string;
  dir: string;
  files: Map<string, StagedFile>;
  totalBytes: number;
  receivedBytes: number;
  completeFiles: number;
  touchedAt: number;
}

/** Uploads nobody has touched for this long are abandoned (a closed tab) and removed. */
const IDLE_MS = 60 * 60 * 1000;
/** Room left on the disk after an upload, so staging never fills it to the last byte. */
const FREE_SPACE_MARGIN = 256 * 2 ** 20;

/**
 * Which process staged an upload, in a dotfile inside its folder (imports skip dotfiles). A later
 * start removes the folder at once when that process is gone, and never while it lives.
 */
interface UploadOwner {
  pid: number;
  host: string;
  /** When the machine booted (ms): after a reboot the pid may name an unrelated process. */
  booted: number;
}
const OWNER_FILE = '.kws-upload-owner.json';
/** Boot times computed at different moments differ by rounding and clock steps; a reboot differs by far more. */
const BOOT_TOLERANCE_MS = 5 * 60 * 1000;

/** Every staging folder this process created and has not removed yet, whichever project it is in. */
const stagedByThisProcess = new Set<string>();

/**
 * Removes every upload this process staged, in every project, even one an import is reading.
 * For a process that is stopping (serve mode on Ctrl+C): nothing will read them any more, and the
 * ordinary release paths (import end, project close) will not run. Returns how many were removed.
 */
export function removeStagedUploads(): number {
  const dirs = [...stagedByThisProcess];
  for (const dir of dirs) removeStaged(dir);
  return dirs.length;
}

/**
 * Files dropped on a browser page, staged in `<project>/staging/<upload-id>/` so the ordinary
 * import can read them. Every path is checked before a byte is written (relative, inside the
 * folder, unique, within the size limits and the free disk space); each file's bytes must arrive
 * in order and add up to the declared size. The staged copy is only ever an input: it is deleted
 * when its import ends, when it is discarded, when the project is closed, or after an hour idle.
 */
export class UploadStaging {
  private readonly uploads = new Map<string, Upload>();
  /** Uploads an import is reading right now; their folders are left alone until it ends. */
  private readonly importing = new Set<string>();

  begin(layout: ProjectLayout, { files }: BeginUploadInput): UploadInfo {
    this.sweepIdle();
    if (files.length === 0) throw new StudioError('invalid_input', 'The drop holds no files to upload.');
    if (files.length > uploadLimits.maxFiles) {
      throw new StudioError(
        'invalid_input',
        `The drop holds ${files.length} files; at most ${uploadLimits.maxFiles} can be uploaded at once. Import the folder in parts.`,
      );
    }
    const staged = new Map<string, StagedFile>();
    const folded = new Set<string>();
    const folders = new Set<string>();
    let totalBytes = 0;
    for (const file of files) {
      const problem =
        uploadPathProblem(file.path) ??
        (file.path.toLowerCase() === OWNER_FILE
          ? 'the studio keeps this name for its own record of the upload'
          : undefined);
      if (problem)
        throw new StudioError(
          'invalid_input',
          `${JSON.stringify(file.path.slice(0, 200))}: ${problem}. Nothing was uploaded.`,
        );
      if (!Number.isSafeInteger(file.size) || file.size < 0)
        throw new StudioError('invalid_input', `${file.path}: the size ${file.size} is not a byte count.`);
      if (file.size > uploadLimits.maxFileBytes) {
        throw new StudioError(
          'invalid_input',
          `${file.path} is ${mib(file.size)}, larger than the ${mib(uploadLimits.maxFileBytes)} a file may have. Leave it out of the drop.`,
        );
      }
      // Case-folded, because on macOS and Windows "Yes/a.wav" and "yes/a.wav" are one file.
      const key = file.path.toLowerCase();
      if (folded.has(key))
        throw new StudioError(
          'invalid_input',
          `${file.path} appears twice in the drop (names differing only in case count as the same file).`,
        );
      folded.add(key);
      const parts = key.split('/');
      for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
      staged.set(file.path, { size: file.size, received: 0 });
      totalBytes += file.size;
    }
    const clash = [...folded].find((key) => folders.has(key));
    if (clash) throw new StudioError('invalid_input', `${clash} is both a file and a folder in the drop.`);
    if (totalBytes > uploadLimits.maxTotalBytes) {
      throw new StudioError(
        'invalid_input',
        `The drop holds ${mib(totalBytes)}; at most ${mib(uploadLimits.maxTotalBytes)} can be uploaded at once. Import the folder in parts, or open the studio where the files are (then the import reads them in place).`,
      );
    }
    const free = freeBytes(layout.root);
    if (free !== undefined && totalBytes + FREE_SPACE_MARGIN > free) {
      throw new StudioError(
        'io_error',
        `The drop holds ${mib(totalBytes)} but the disk of the project has only ${mib(free)} free. Free some space first.`,
      );
    }

    const id = `upload-${randomUUID()}`;
    const dir = path.join(layout.staging, id);
    try {
      fs.mkdirSync(dir, { recursive: true });
      stagedByThisProcess.add(dir);
      fs.writeFileSync(
        path.join(dir, OWNER_FILE),
        JSON.stringify({ pid: process.pid, host: os.hostname(), booted: bootTime() } satisfies UploadOwner),
      );
      // Empty files have no chunk to carry them; create them now so the import sees (and rejects) them.
      for (const [relative, file] of staged) {
        if (file.size === 0) {
          const target = this.resolve(dir, relative);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, new Uint8Array(0));
        }
      }
    } catch (error) {
      removeStaged(dir);
      throw new StudioError('io_error', `Cannot create the staging folder ${dir}: ${(error as Error).message}`);
    }
    const completeFiles = [...staged.values()].filter((file) => file.size === 0).length;
    this.uploads.set(id, {
      id,
      projectRoot: layout.root,
      dir,
      files: staged,
      totalBytes,
      receivedBytes: 0,
      completeFiles,
      touchedAt: Date.now(),
    });
    return { uploadId: id, files: staged.size, bytes: totalBytes };
  }

  write({ uploadId, pieces }: UploadChunkInput): UploadProgress {
    const upload = this.get(uploadId);
    upload.touchedAt = Date.now();
    for (const piece of pieces) {
      const file = upload.files.get(piece.path);
      if (!file) throw new StudioError('invalid_input', `${piece.path} is not one of the files this upload announced.`);
      if (piece.offset !== file.received) {
        throw new StudioError(
          'invalid_input',
          `${piece.path}: expected bytes from offset ${file.received}, got ${piece.offset}. Upload the drop again.`,
        );
      }
      if (piece.offset + piece.bytes.byteLength > file.size) {
        throw new StudioError('invalid_input', `${piece.path}: more bytes than the ${file.size} announced.`);
      }
      if (piece.bytes.byteLength === 0) continue;
      const target = this.resolve(upload.dir, piece.path);
      try {
        if (file.received === 0) fs.mkdirSync(path.dirname(target), { recursive: true });
        // Synchronous: two calls for one upload can never interleave their writes.
        fs.writeFileSync(target, piece.bytes, { flag: file.received === 0 ? 'w' : 'a' });
      } catch (error) {
        throw new StudioError('io_error', `Cannot stage ${piece.path}: ${(error as Error).message}`);
      }
      file.received += piece.bytes.byteLength;
      upload.receivedBytes += piece.bytes.byteLength;
      if (file.received === file.size) upload.completeFiles++;
    }
    return { receivedBytes: upload.receivedBytes, totalBytes: upload.totalBytes, completeFiles: upload.completeFiles };
  }

  /**
   * The folder to import for a complete upload of this project: `relative` ("." for all of it)
   * resolved inside the staging folder, and the name the report and the catalog give it.
   */
  source(uploadId: string, layout: ProjectLayout, relative: string): { folder: string; name: string } {
    const upload = this.get(uploadId);
    if (upload.projectRoot !== layout.root) {
      throw new StudioError('invalid_input', 'This upload was staged for another project; drop the files again.');
    }
    if (upload.completeFiles < upload.files.size) {
      throw new StudioError(
        'invalid_input',
        `The upload is not complete: ${upload.completeFiles} of ${upload.files.size} files have arrived. Wait for it to finish, or drop the files again.`,
      );
    }
    const trimmed = relative.replace(/\/+$/, '');
    if (trimmed === '' || trimmed === '.') return { folder: upload.dir, name: 'dropped files' };
    const problem = uploadPathProblem(trimmed);
    if (problem) throw new StudioError('invalid_input', `${JSON.stringify(relative)}: ${problem}.`);
    return { folder: this.resolve(upload.dir, trimmed), name: trimmed };
  }

  /**
   * Hands a complete upload to its import: from now on nothing else can import or discard it, and
   * `release` (called when the import ends, however it ends) deletes the staged copy.
   */
  claim(
    uploadId: string,
    layout: ProjectLayout,
    relative: string,
  ): { folder: string; name: string; release: () => void } {
    const source = this.source(uploadId, layout, relative);
    const upload = this.get(uploadId);
    this.uploads.delete(uploadId);
    this.importing.add(upload.id);
    return {
      ...source,
      release: () => {
        this.importing.delete(upload.id);
        removeStaged(upload.dir);
      },
    };
  }

  discard(uploadId: string): void {
    const upload = this.uploads.get(uploadId);
    if (!upload) return;
    this.uploads.delete(uploadId);
    removeStaged(upload.dir);
  }

  /** Removes every upload staged for a project (it is being closed) and leftovers of earlier runs. */
  discardProject(layout: ProjectLayout): void {
    for (const upload of [...this.uploads.values()]) if (upload.projectRoot === layout.root) this.discard(upload.id);
    this.removeLeftovers(layout);
  }

  /**
   * A crash's leftovers: staging folders no upload of this process owns, staged by a process of this
   * machine that is no longer running, or (with no owner record, or another machine's) idle past
   * the limit. A folder whose process still runs is left alone, whatever its age: it may be importing.
   */
  removeLeftovers(layout: ProjectLayout): void {
    let names: string[];
    try {
      names = fs.readdirSync(layout.staging);
    } catch {
      return;
    }
    for (const name of names) {
      const dir = path.join(layout.staging, name);
      if (this.uploads.has(name) || this.importing.has(name) || stagedByThisProcess.has(dir)) continue;
      try {
        if (isLeftover(dir)) removeStaged(dir);
      } catch {
        // Gone already, or not ours to remove: leave it.
      }
    }
    removeIfEmpty(layout.staging);
  }

  private get(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload)
      throw new StudioError(
        'not_found',
        `Upload ${uploadId} does not exist (it was imported, discarded or expired); drop the files again.`,
      );
    return upload;
  }

  private resolve(dir: string, relative: string): string {
    const target = path.resolve(dir, ...relative.split('/'));
    // uploadPathProblem already refused anything that could escape; this is the second lock.
    if (!target.startsWith(dir + path.sep))
      throw new StudioError('invalid_input', `${relative} leaves the staging folder.`);
    return target;
  }

  private sweepIdle(): void {
    const now = Date.now();
    for (const upload of [...this.uploads.values()]) if (now - upload.touchedAt > IDLE_MS) this.discard(upload.id);
  }
}

function freeBytes(folder: string): number | undefined {
  try {
    const stats = fs.statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

function removeStaged(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  stagedByThisProcess.delete(dir);
  removeIfEmpty(path.dirname(dir));
}

function isLeftover(dir: string): boolean {
  const owner = readOwner(dir);
  if (owner && owner.host === os.hostname())
    return Math.abs(owner.booted - bootTime()) > BOOT_TOLERANCE_MS || !processAlive(owner.pid);
  return Date.now() - fs.statSync(dir).mtimeMs > IDLE_MS;
}

function readOwner(dir: string): UploadOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Partial<UploadOwner>;
    const valid =
      Number.isSafeInteger(owner.pid) &&
      owner.pid! > 0 &&
      typeof owner.host === 'string' &&
      Number.isFinite(owner.booted);
    return valid ? (owner as UploadOwner) : undefined;
  } catch {
    return undefined;
  }
}

function bootTime(): number {
  return Math.round(Date.now() - os.uptime() * 1000);
}

function removeIfEmpty(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty (another upload) or already gone.
  }
}

function mib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
