import { describe, expect, it, vi } from 'vitest';
import type { UploadChunkInput } from '../../../../src-shared/contract/ProjectService.ts';
import type { DropItem } from '../../../../src-renderer/lib/drop/collectDroppedFiles.ts';
import { ToastState } from '../../../../src-renderer/lib/state/ToastState.svelte.ts';
import { ImportState } from '../../../../src-renderer/pages/library/ImportState.svelte.ts';
import { inMemoryServices, settle } from '../../../support/inMemoryServices.ts';
import { InMemoryProjectService } from '../../../support/inMemoryProjectService.ts';

const MiB = 2 ** 20;

/** A file of `size` bytes whose every byte says where it is, so a misplaced piece shows. */
function dropped(relativePath: string, size = 12) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + relativePath.length) % 251;
  return { relativePath, file: new File([bytes], relativePath.slice(relativePath.lastIndexOf('/') + 1)), bytes };
}

/** Byte-for-byte equality without a deep comparison of millions of elements. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function importState(options: { pathForFile?: (file: File) => string } = {}) {
  const project = new InMemoryProjectService();
  const server = inMemoryServices({ project });
  const toasts = new ToastState();
  const imports = new ImportState(server.services, toasts, options.pathForFile);
  const messages = () => toasts.toasts.map((toast) => `${toast.kind}: ${toast.message}`);
  return { imports, project, server, toasts, messages };
}

describe('ImportState', () => {
  it('uploads the audio and manifests of a drop, byte for byte, and opens the panel on them', async () => {
    const { imports, project, server } = importState();
    const files = [dropped('speech/yes/a.wav', 30), dropped('speech/no/b.wav', 20), dropped('speech/labels.csv', 5)];
    const ignored = [dropped('speech/.DS_Store'), dropped('speech/readme.txt')];
    await imports.upload([...files, ...ignored]);

    expect(server.inputs('project.beginUpload')).toEqual([
      {
        files: [
          { path: 'speech/yes/a.wav', size: 30 },
          { path: 'speech/no/b.wav', size: 20 },
          { path: 'speech/labels.csv', size: 5 },
        ],
      },
    ]);
    const [uploadId] = project.uploads.keys();
    for (const file of files) expect(sameBytes(project.bytesOf(uploadId!, file.relativePath), file.bytes)).toBe(true);
    expect(imports.uploading).toBeNull();
    expect(imports.panelOpen).toBe(true);
    expect(imports.dropped).toMatchObject({
      source: { kind: 'upload', uploadId, path: 'speech', name: 'speech', files: 3, bytes: 55, manifest: 'labels.csv' },
      // The hidden file is left out silently; the text file is named, with why.
      skipped: [{ path: 'speech/readme.txt', reason: expect.stringMatching(/^neither audio/) }],
    });
  });

  it('sends many small files to a call and a big one in pieces, never more than 4 MiB a call', async () => {
    const { imports, project, server } = importState();
    const files = [dropped('big.wav', 9 * MiB), dropped('one.wav'), dropped('two.wav')];
    await imports.upload(files);
    const calls = server.inputs('project.uploadChunk') as UploadChunkInput[];
    const sizes = calls.map((call) => call.pieces.reduce((sum, piece) => sum + piece.bytes.byteLength, 0));
    expect(sizes).toEqual([4 * MiB, 4 * MiB, MiB + 24]);
    expect(calls[2]!.pieces.map((piece) => [piece.path, piece.offset])).toEqual([
      ['big.wav', 8 * MiB],
      ['one.wav', 0],
      ['two.wav', 0],
    ]);
    const [uploadId] = project.uploads.keys();
    for (const file of files) expect(sameBytes(project.bytesOf(uploadId!, file.relativePath), file.bytes)).toBe(true);
    expect(imports.dropped?.source).toMatchObject({ kind: 'upload', path: '.', name: 'dropped files', files: 3 });
  });

  it('shows upload progress, and a cancelled upload stops sending and is deleted from the project', async () => {
    const { imports, project, server } = importState();
    const replies = server.hold('project.uploadChunk');
    const upload = imports.upload([dropped('a.wav', 13 * MiB), dropped('b.wav', 10)]);
    await vi.waitFor(() => expect(replies.waiting).toHaveLength(1));
    expect(imports.uploading).toEqual({ name: 'dropped files', files: 2, totalBytes: 13 * MiB + 10, sentBytes: 0 });
    await replies.release();
    expect(imports.uploading?.sentBytes).toBe(4 * MiB);
    await vi.waitFor(() => expect(replies.waiting).toHaveLength(1));
    imports.cancelUpload();
    await replies.releaseAll();
    await upload;
    // Two of the four calls went out; the rest was never read or sent.
    expect(server.inputs('project.uploadChunk')).toHaveLength(2);
    expect(project.uploads.size).toBe(0);
    expect(project.discarded).toHaveLength(1);
    expect(imports.dropped).toBeNull();
    expect(imports.uploading).toBeNull();
  });

  it('deletes an upload that was not imported when the panel closes or another drop replaces it', async () => {
    const { imports, project } = importState();
    await imports.upload([dropped('first/a.wav')]);
    const first = (imports.dropped!.source as { uploadId: string }).uploadId;
    await imports.upload([dropped('second/a.wav')]);
    await settle();
    expect(project.discarded).toEqual([first]);
    const second = (imports.dropped!.source as { uploadId: string }).uploadId;
    imports.close();
    await settle();
    expect(project.discarded).toEqual([first, second]);
    expect(imports.panelOpen).toBe(false);
    expect(imports.dropped).toBeNull();

    // An upload that was imported is the host's to delete: consumed() forgets it without a call.
    await imports.upload([dropped('third/a.wav')]);
    imports.consumed();
    imports.close();
    await settle();
    expect(project.discarded).toHaveLength(2);
  });

  it('says why nothing was imported, naming the first file left out', async () => {
    const { imports, server, messages } = importState();
    await imports.upload([dropped('notes/readme.txt'), dropped('notes/todo.txt'), dropped('notes/.hidden.wav')]);
    expect(messages()).toEqual([
      'error: Nothing to import: notes/readme.txt: neither audio (WAV, FLAC, MP3, Ogg) nor a CSV / JSON manifest (and 1 more).',
    ]);
    await imports.upload([]);
    expect(messages().at(-1)).toBe('error: Nothing to import: the drop holds no files.');
    expect(server.inputs('project.beginUpload')).toEqual([]);
    expect(imports.panelOpen).toBe(false);
  });

  it('imports a folder dropped in Electron in place, and refuses a drop while an upload runs', async () => {
    const folder = new File([], 'speech');
    const { imports, server, messages } = importState({
      pathForFile: (file) => (file === folder ? '/data/speech' : ''),
    });
    const item: DropItem<File> = {
      kind: 'file',
      webkitGetAsEntry: () => ({ isFile: false, isDirectory: true, name: 'speech', fullPath: '/speech' }),
      getAsFile: () => folder,
    };
    await imports.drop([item]);
    expect(imports.dropped).toMatchObject({ source: { kind: 'folder', path: '/data/speech' }, skipped: [] });
    expect(imports.panelOpen).toBe(true);
    expect(server.calls).toEqual([]);

    const replies = server.hold('project.beginUpload');
    const upload = imports.upload([dropped('a.wav')]);
    await imports.drop([item]);
    expect(messages()).toEqual([
      'error: An upload is still running; wait for it or cancel it before dropping more files.',
    ]);
    await replies.releaseAll();
    await upload;
  });

  it('reports an upload the project refuses, and leaves nothing staged', async () => {
    const { imports, project, messages } = importState();
    project.uploadChunk = async () => {
      throw new Error('The disk holding /projects/p is full.');
    };
    await imports.upload([dropped('a.wav')]);
    await settle();
    expect(messages()).toEqual(['error: The disk holding /projects/p is full.']);
    expect(project.uploads.size).toBe(0);
    expect(imports.uploading).toBeNull();
    expect(imports.dropped).toBeNull();
  });
});
