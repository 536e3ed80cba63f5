import { describe, expect, it } from 'vitest';
import { isSupportedAudioName } from '../../src-main/services/audio/decodeAudio.ts';
import {
  audioExtensions,
  isAudioFileName,
  isUploadableFileName,
  uploadPathProblem,
} from '../../src-shared/model/Upload.ts';
import {
  collectDroppedFiles,
  commonTopFolder,
  snapshotDrop,
  type DropEntry,
  type DropItem,
} from '../../src-renderer/lib/drop/collectDroppedFiles.ts';

interface FakeFile {
  name: string;
  size: number;
  webkitRelativePath?: string;
}

/** A dropped folder as Chromium presents it: entries handed out in batches by readEntries, async callbacks. */
function folder(fullPath: string, children: DropEntry<FakeFile>[], batch = 2): DropEntry<FakeFile> {
  return {
    isFile: false,
    isDirectory: true,
    name: fullPath.slice(fullPath.lastIndexOf('/') + 1),
    fullPath,
    createReader() {
      let next = 0;
      return {
        readEntries(success) {
          const slice = children.slice(next, next + batch);
          next += batch;
          setTimeout(() => success(slice), 0);
        },
      };
    },
  };
}

function file(fullPath: string, size = 10): DropEntry<FakeFile> {
  const name = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath,
    file: (success) => setTimeout(() => success({ name, size }), 0),
  };
}

describe('collecting a drop', () => {
  it('walks dropped folders recursively, through every readEntries batch, keeping relative paths', async () => {
    const speech = folder('/speech', [
      folder('/speech/yes', [file('/speech/yes/a.wav'), file('/speech/yes/b.wav'), file('/speech/yes/c.wav')]),
      folder('/speech/no', [file('/speech/no/d.wav')]),
      folder('/speech/empty', []),
      file('/speech/README.md'),
    ]);
    const items: DropItem<FakeFile>[] = [
      { kind: 'file', webkitGetAsEntry: () => speech, getAsFile: () => ({ name: 'speech', size: 0 }) },
      // A synthetic drop (or a browser without entries): the file and its webkitRelativePath.
      { kind: 'file', getAsFile: () => ({ name: 'x.wav', size: 5, webkitRelativePath: 'other/x.wav' }) },
      {
        kind: 'file',
        webkitGetAsEntry: () => null,
        getAsFile: () => ({ name: 'loose.wav', size: 5, webkitRelativePath: '' }),
      },
      { kind: 'string', getAsFile: () => null },
    ];
    const files = await collectDroppedFiles(snapshotDrop(items));
    expect(files.map((item) => item.relativePath)).toEqual([
      'loose.wav',
      'other/x.wav',
      'speech/README.md',
      'speech/no/d.wav',
      'speech/yes/a.wav',
      'speech/yes/b.wav',
      'speech/yes/c.wav',
    ]);
  });

  it('starts the import from the one folder everything was dropped in, else from the root of the drop', () => {
    expect(commonTopFolder(['speech/yes/a.wav', 'speech/no/b.wav'])).toBe('speech');
    expect(commonTopFolder(['yes/a.wav', 'no/b.wav'])).toBe('.');
    expect(commonTopFolder(['0_george_0.wav', '1_george_0.wav'])).toBe('.');
    expect(commonTopFolder(['speech/a.wav', 'speech.wav'])).toBe('.');
    expect(commonTopFolder([])).toBe('.');
  });
});

describe('upload rules shared by the page and the host', () => {
  it('knows the same audio extensions as the importer', () => {
    for (const extension of audioExtensions) {
      expect(isSupportedAudioName(`a${extension}`)).toBe(true);
      expect(isAudioFileName(`dir/A${extension.toUpperCase()}`)).toBe(true);
    }
    for (const name of ['a.txt', 'a.aiff', 'wav', 'a.wav.zip'])
      expect([name, isAudioFileName(name)]).toEqual([name, isSupportedAudioName(name)]);
    expect(isUploadableFileName('labels.CSV')).toBe(true);
    expect(isUploadableFileName('notes.txt')).toBe(false);
  });

  it('accepts only plain relative paths', () => {
    expect(uploadPathProblem('speech/yes/a b (1).wav')).toBeUndefined();
    expect(uploadPathProblem('..wav')).toBeUndefined();
    for (const bad of [
      '',
      '../a.wav',
      'a/../../b.wav',
      '/a.wav',
      'c:/a.wav',
      'a\\b.wav',
      'a//b.wav',
      './a.wav',
      'a/./b.wav',
      'a/',
      `a\u0000.wav`,
      `${'x'.repeat(256)}.wav`,
      'a/'.repeat(600),
    ]) {
      expect([bad, uploadPathProblem(bad)]).toEqual([bad, expect.any(String)]);
    }
  });
});
