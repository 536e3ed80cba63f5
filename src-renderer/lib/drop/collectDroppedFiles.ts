/**
 * Turns a drop into `{relativePath, file}` pairs, walking dropped folders. Typed structurally on
 * the parts of the DataTransfer and File and Directory Entries APIs it uses, so tests (and any
 * other source of files, such as a folder picker) can feed it plain objects.
 */

export interface DropFileLike {
  name: string;
  size: number;
  /** Set by folder pickers (and by tests); empty for a file dropped on its own. */
  webkitRelativePath?: string;
}

export interface DropEntry<F extends DropFileLike> {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  /** "/speech/yes/a.wav" for a file inside a dropped folder "speech". */
  fullPath: string;
  file?(success: (file: F) => void, failure?: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: DropEntry<F>[]) => void, failure?: (error: unknown) => void): void;
  };
}

export interface DropItem<F extends DropFileLike> {
  kind: string;
  webkitGetAsEntry?(): DropEntry<F> | null;
  getAsFile(): F | null;
}

export interface DroppedFile<F extends DropFileLike> {
  /** Forward slashes, relative to where the drop came from: "speech/yes/a.wav" or "a.wav". */
  relativePath: string;
  file: F;
}

/** One dropped item, read while the drop event lasts (the browser empties the list after it). */
export interface DropSource<F extends DropFileLike> {
  entry: DropEntry<F> | null;
  file: F | null;
}

/** Must run inside the drop event handler: afterwards the items are no longer readable. */
export function snapshotDrop<F extends DropFileLike>(items: ArrayLike<DropItem<F>>): DropSource<F>[] {
  const sources: DropSource<F>[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind !== 'file') continue;
    sources.push({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() });
  }
  return sources;
}

/** Every file of the drop, folders walked recursively, in a stable order. */
export async function collectDroppedFiles<F extends DropFileLike>(
  sources: readonly DropSource<F>[],
): Promise<DroppedFile<F>[]> {
  const files: DroppedFile<F>[] = [];
  for (const source of sources) {
    if (source.entry) await walk(source.entry, files);
    else if (source.file) files.push({ relativePath: relativePathOf(source.file), file: source.file });
  }
  return files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
}

/** A picked or dropped file without an entry: its path inside a picked folder, else its name. */
export function relativePathOf(file: DropFileLike): string {
  return (file.webkitRelativePath || file.name).replace(/^\/+/, '');
}

async function walk<F extends DropFileLike>(entry: DropEntry<F>, out: DroppedFile<F>[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<F>((resolve, reject) => entry.file!(resolve, reject));
    out.push({ relativePath: entry.fullPath.replace(/^\/+/, '') || entry.name, file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries hands out a folder in batches (100 in Chromium) until it returns an empty one.
    for (;;) {
      const batch = await new Promise<DropEntry<F>[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, out);
    }
  }
}

/**
 * The folder of the upload an import should start from: the one folder everything was dropped
 * in ("speech" for a dropped Speech Commands folder), else the root of the upload (".").
 */
export function commonTopFolder(relativePaths: readonly string[]): string {
  const first = relativePaths[0]?.split('/');
  if (!first || first.length < 2) return '.';
  const top = first[0]!;
  return relativePaths.every((item) => item.startsWith(`${top}/`)) ? top : '.';
}
