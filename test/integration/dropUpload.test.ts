import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { tempDir } from '../support/tempDir.ts';
import { encodeTestWav } from '../support/writeTestWav.ts';

const dir = tempDir('kws-upload-');
let projects = 0;

/** The services behind the validated dispatcher, as the browser reaches them in serve mode. */
async function studioWithProject() {
  const studio = createServices({ home: path.join(dir, 'home') });
  const dispatcher = createDispatcher(studio.services);
  const client: ServiceTable = createClient({
    invoke: (channel, input) => dispatcher.call(channel, input),
    subscribe: dispatcher.subscribe,
  });
  const root = path.join(dir, `project-${++projects}`);
  await client.project.create({ path: root });
  return { studio, client, root, staging: path.join(root, 'staging') };
}

const tone = (frequency: number, seconds = 0.5) =>
  new Uint8Array(
    encodeTestWav(
      Float64Array.from(
        { length: Math.round(16000 * seconds) },
        (_, i) => 0.4 * Math.sin((2 * Math.PI * frequency * i) / 16000),
      ),
    ),
  );

/** Sends the files in pieces of `pieceBytes`, several pieces per call, as the page does. */
async function upload(client: ServiceTable, files: Record<string, Uint8Array>, pieceBytes = 5000) {
  const info = await client.project.beginUpload({
    files: Object.entries(files).map(([file, bytes]) => ({ path: file, size: bytes.byteLength })),
  });
  const pieces = Object.entries(files).flatMap(([file, bytes]) => {
    const out = [];
    for (let offset = 0; offset < bytes.byteLength; offset += pieceBytes)
      out.push({ path: file, offset, bytes: bytes.subarray(offset, offset + pieceBytes) });
    return out;
  });
  let progress;
  for (let i = 0; i < pieces.length; i += 7)
    progress = await client.project.uploadChunk({ uploadId: info.uploadId, pieces: pieces.slice(i, i + 7) });
  return { info, progress };
}

describe('uploads from a browser drop', () => {
  it('stages a dropped Speech Commands folder, previews and imports it under the dropped names, then removes the staging', async () => {
    const { studio, client, root, staging } = await studioWithProject();
    const files = {
      'speech/yes/a1_nohash_0.wav': tone(300),
      'speech/yes/a2_nohash_0.wav': tone(350),
      'speech/no/b1_nohash_0.wav': tone(500),
      'speech/_background_noise_/hum.wav': tone(60, 2),
      'speech/empty.wav': new Uint8Array(0),
    };
    const { info, progress } = await upload(client, files);
    const total = Object.values(files).reduce((sum, bytes) => sum + bytes.byteLength, 0);
    expect(info).toMatchObject({ files: 5, bytes: total });
    expect(progress).toEqual({ receivedBytes: total, totalBytes: total, completeFiles: 5 });
    // The staged copy is byte-identical, inside the project.
    const stagedFile = path.join(staging, info.uploadId, 'speech', 'yes', 'a1_nohash_0.wav');
    expect(Buffer.compare(fs.readFileSync(stagedFile), Buffer.from(files['speech/yes/a1_nohash_0.wav']))).toBe(0);

    const preview = await client.project.previewImport({ path: 'speech', uploadId: info.uploadId });
    expect(preview).toMatchObject({
      root: 'speech',
      candidates: 4,
      noise: 1,
      labels: [
        { label: 'no', count: 1 },
        { label: 'yes', count: 2 },
      ],
    });
    expect(preview.rejectedSample).toEqual([{ path: 'empty.wav', reason: expect.any(String) }]);

    const seen: TaskProgress[] = [];
    client.project.onDidProgress((task) => seen.push(task));
    const report = await client.project.importFolder({ path: 'speech', uploadId: info.uploadId });
    expect(report).toMatchObject({ imported: 3, noise: 1, duplicates: 0, labels: ['no', 'yes'] });
    expect(report.rejected.map((item) => item.path)).toEqual(['empty.wav']);
    expect(seen[0]!.title).toBe('Importing speech');

    const { db } = studio.session.require();
    // The catalog names the files as they were dropped, not the staging folder that is gone.
    expect(db.prepare('SELECT source_path FROM clips ORDER BY source_path').pluck().all()).toEqual([
      'speech/_background_noise_/hum.wav',
      'speech/no/b1_nohash_0.wav',
      'speech/yes/a1_nohash_0.wav',
      'speech/yes/a2_nohash_0.wav',
    ]);
    expect((await client.library.history({ limit: 1 })).entries[0]!.description).toBe(
      'Import of 3 clips and 1 noise file from speech',
    );
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.readdirSync(root).sort()).toEqual([
      'audio',
      'cache',
      'derived',
      'project.sqlite',
      'project.sqlite-shm',
      'project.sqlite-wal',
      'runs',
    ]);
    // An upload is imported once; afterwards it is gone.
    await expect(client.project.importFolder({ path: 'speech', uploadId: info.uploadId })).rejects.toMatchObject({
      code: 'not_found',
    });
    studio.dispose();
  });

  it('imports a flat drop with a file-name pattern, from the root of the upload', async () => {
    const { studio, client } = await studioWithProject();
    const { info } = await upload(client, { '3_anna_0.wav': tone(400), '5_bob_1.wav': tone(800) }, 100_000);
    const report = await client.project.importFolder({
      path: '.',
      uploadId: info.uploadId,
      pattern: '{label}_{speaker}_{take}.wav',
    });
    expect(report).toMatchObject({ imported: 2, labels: ['3', '5'] });
    const rows = await client.library.listClips({});
    expect(rows.rows.map((row) => [row.label, row.speaker])).toEqual(
      expect.arrayContaining([
        ['3', 'anna'],
        ['5', 'bob'],
      ]),
    );
    expect(studio.session.require().db.prepare('SELECT source_path FROM clips ORDER BY id').pluck().all()).toEqual([
      'dropped files/3_anna_0.wav',
      'dropped files/5_bob_1.wav',
    ]);
    studio.dispose();
  });

  it('refuses unsafe paths, oversize files and drops, before writing anything', async () => {
    const { studio, client, staging } = await studioWithProject();
    const begin = (files: { path: string; size: number }[]) => client.project.beginUpload({ files });
    const refused = [
      ['../outside.wav', /leaves the dropped folder/],
      ['yes/../../outside.wav', /leaves the dropped folder/],
      ['/etc/passwd', /absolute/],
      ['C:/Windows/x.wav', /absolute/],
      ['yes\\a.wav', /backslash/],
      ['yes//a.wav', /empty/],
      ['./a.wav', /empty or "\."/],
      ['a\u0007.wav', /control character/],
    ] as const;
    for (const [bad, reason] of refused) {
      await expect(
        begin([
          { path: 'ok.wav', size: 10 },
          { path: bad, size: 10 },
        ]),
        bad,
      ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(reason) });
    }
    await expect(begin([{ path: 'huge.wav', size: 600 * 2 ** 20 }])).rejects.toMatchObject({
      message: expect.stringMatching(/huge\.wav is 600\.0 MiB, larger than the 512\.0 MiB/),
    });
    await expect(
      begin(Array.from({ length: 9 }, (_, i) => ({ path: `${i}.wav`, size: 500 * 2 ** 20 }))),
    ).rejects.toMatchObject({ message: expect.stringMatching(/at most 4\.0 GiB/) });
    await expect(
      begin([
        { path: 'Yes/a.wav', size: 1 },
        { path: 'yes/a.wav', size: 1 },
      ]),
    ).rejects.toMatchObject({ message: expect.stringMatching(/appears twice/) });
    await expect(
      begin([
        { path: 'yes', size: 1 },
        { path: 'yes/a.wav', size: 1 },
      ]),
    ).rejects.toMatchObject({ message: expect.stringMatching(/both a file and a folder/) });
    expect(fs.existsSync(staging)).toBe(false);
    studio.dispose();
  });

  it('takes each file in order and whole, refuses to import an incomplete upload, and discards on request', async () => {
    const { studio, client, staging } = await studioWithProject();
    const bytes = tone(440);
    const { uploadId } = await client.project.beginUpload({
      files: [{ path: 'go/a_nohash_0.wav', size: bytes.byteLength }],
    });
    const send = (offset: number, piece: Uint8Array, file = 'go/a_nohash_0.wav') =>
      client.project.uploadChunk({ uploadId, pieces: [{ path: file, offset, bytes: piece }] });
    await expect(send(100, bytes.subarray(100, 200))).rejects.toMatchObject({
      message: expect.stringMatching(/expected bytes from offset 0, got 100/),
    });
    await expect(send(0, bytes, 'go/other.wav')).rejects.toMatchObject({
      message: expect.stringMatching(/not one of the files/),
    });
    await send(0, bytes.subarray(0, 1000));
    await expect(send(1000, new Uint8Array(bytes.byteLength))).rejects.toMatchObject({
      message: expect.stringMatching(/more bytes than/),
    });
    await expect(client.project.importFolder({ path: '.', uploadId })).rejects.toMatchObject({
      message: expect.stringMatching(/not complete: 0 of 1 files/),
    });
    // A refused import leaves the upload to finish.
    expect(fs.existsSync(path.join(staging, uploadId))).toBe(true);
    await send(1000, bytes.subarray(1000));
    await expect(client.project.previewImport({ path: '../..', uploadId })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    expect((await client.project.previewImport({ path: '.', uploadId })).candidates).toBe(1);
    await client.project.discardUpload({ uploadId });
    expect(fs.existsSync(staging)).toBe(false);
    await expect(send(0, bytes)).rejects.toMatchObject({ code: 'not_found' });
    studio.dispose();
  });

  it('removes the staging folder when the import is cancelled, and when the project is closed', async () => {
    const { studio, client, staging } = await studioWithProject();
    const files = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [`go/s${i}_nohash_0.wav`, tone(200 + i, 0.25)]),
    );
    const { info } = await upload(client, files, 1_000_000);
    let cancelled = false;
    client.project.onDidProgress((task) => {
      if (!cancelled && task.state === 'running' && task.done >= 50) {
        cancelled = true;
        void client.project.cancelTask({ taskId: task.taskId });
      }
    });
    await expect(client.project.importFolder({ path: '.', uploadId: info.uploadId })).rejects.toMatchObject({
      code: 'cancelled',
    });
    expect(fs.existsSync(staging)).toBe(false);

    const second = await upload(client, { 'go/x_nohash_0.wav': tone(900) });
    expect(fs.existsSync(path.join(staging, second.info.uploadId))).toBe(true);
    await client.project.close();
    expect(fs.existsSync(staging)).toBe(false);
    studio.dispose();
  });
});
