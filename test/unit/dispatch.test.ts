import { describe, expect, it } from 'vitest';
import { serviceMethods } from '../../src-shared/contract/channels.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
import type { TrainingService } from '../../src-shared/contract/TrainingService.ts';
import type { SweepService } from '../../src-shared/contract/SweepService.ts';
import type { RunService } from '../../src-shared/contract/RunService.ts';
import type { RunsChangedEvent } from '../../src-shared/model/RunTable.ts';
import type { SweepProgressEvent } from '../../src-shared/model/Sweep.ts';
import type { TrainingProgress } from '../../src-shared/model/Run.ts';
import type { ExportService } from '../../src-shared/contract/ExportService.ts';
import type { FeatureService } from '../../src-shared/contract/FeatureService.ts';
import type { LibraryChange, LibraryService } from '../../src-shared/contract/LibraryService.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import type { ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';
import type { ProjectInfo } from '../../src-shared/model/ProjectInfo.ts';
import type { TaskProgress } from '../../src-shared/model/TaskProgress.ts';

function fakeServices() {
  const calls: unknown[] = [];
  const changed = new Emitter<ProjectInfo | null>();
  const progress = new Emitter<TaskProgress>();
  const reject = () => Promise.reject(new Error('not used here'));
  const services: ServiceTable = {
    project: {
      create: reject,
      open: async (input) => {
        calls.push(input);
        throw new StudioError('not_a_project', `${input.path} is not a project`);
      },
      close: async () => undefined,
      current: async () => null,
      recent: async () => [],
      forgetRecent: reject,
      createDemo: reject,
      previewImport: reject,
      importFolder: reject,
      beginUpload: async (input) => {
        calls.push(input);
        return { uploadId: 'upload-x', files: input.files.length, bytes: 0 };
      },
      uploadChunk: async (input) => {
        calls.push(input);
        return { receivedBytes: 0, totalBytes: 0, completeFiles: 0 };
      },
      discardUpload: reject,
      cancelTask: reject,
      onDidChangeProject: changed.event,
      onDidProgress: progress.event,
    },
    library: {
      ...(Object.fromEntries(serviceMethods.library.map((name) => [name, reject])) as unknown as LibraryService),
      listClips: async (input) => {
        calls.push(input);
        return { total: 0, offset: input.offset ?? 0, rows: [] };
      },
      onDidChangeLibrary: new Emitter<LibraryChange>().event,
    },
    features: Object.fromEntries(serviceMethods.features.map((name) => [name, reject])) as unknown as FeatureService,
    training: {
      ...(Object.fromEntries(serviceMethods.training.map((name) => [name, reject])) as unknown as TrainingService),
      onDidProgress: new Emitter<TrainingProgress>().event,
    },
    sweeps: {
      ...(Object.fromEntries(serviceMethods.sweeps.map((name) => [name, reject])) as unknown as SweepService),
      onDidProgress: new Emitter<SweepProgressEvent>().event,
    },
    runs: {
      ...(Object.fromEntries(serviceMethods.runs.map((name) => [name, reject])) as unknown as RunService),
      onDidChangeRuns: new Emitter<RunsChangedEvent>().event,
    },
    export: Object.fromEntries(serviceMethods.export.map((name) => [name, reject])) as unknown as ExportService,
    system: { diagnostics: async () => ({ facts: [] }), version: async () => ({ app: 'test' }) },
  };
  return { services, calls, changed };
}

describe('dispatcher', () => {
  it('refuses channels outside the contract', async () => {
    const dispatcher = createDispatcher(fakeServices().services);
    await expect(dispatcher.call('project.constructor', undefined)).rejects.toMatchObject({ code: 'unknown_channel' });
    await expect(dispatcher.call('fs.readFile', undefined)).rejects.toMatchObject({ code: 'unknown_channel' });
    expect(() => dispatcher.subscribe('project.create', () => undefined)).toThrow(/Unknown event channel/);
  });

  it('validates input before the service sees it', async () => {
    const { services, calls } = fakeServices();
    const dispatcher = createDispatcher(services);
    await expect(dispatcher.call('library.listClips', { limit: -1 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('limit'),
    });
    await expect(dispatcher.call('library.listClips', { offset: 0, extra: true })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(dispatcher.call('project.open', { path: 'a\0b' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(calls).toEqual([]);
    await dispatcher.call('library.listClips', { offset: 5 });
    expect(calls).toEqual([{ offset: 5 }]);
  });

  it('bounds uploads before the service sees them: byte arrays only, 8 MiB per call, known id format', async () => {
    const { services, calls } = fakeServices();
    const dispatcher = createDispatcher(services);
    const uploadId = 'upload-0b6f7c1e-8d0a-4a43-9f51-3c1e1f6a2b7d';
    const piece = (bytes: unknown) => ({ uploadId, pieces: [{ path: 'yes/a.wav', offset: 0, bytes }] });
    await expect(dispatcher.call('project.uploadChunk', piece([1, 2, 3]))).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(dispatcher.call('project.uploadChunk', piece(new Uint8Array(8 * 2 ** 20 + 1)))).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('8 MiB'),
    });
    await expect(
      dispatcher.call('project.uploadChunk', { ...piece(new Uint8Array(1)), uploadId: '../../etc' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(dispatcher.call('project.beginUpload', { files: [] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(
      dispatcher.call('project.beginUpload', { files: [{ path: 'a.wav', size: -1 }] }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(calls).toEqual([]);
    await dispatcher.call('project.uploadChunk', piece(new Uint8Array(3)));
    expect(calls).toHaveLength(1);
  });

  it('gives a typed client that carries errors and events through', async () => {
    const { services, changed } = fakeServices();
    const dispatcher = createDispatcher(services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    await expect(client.project.open({ path: '/nope' })).rejects.toMatchObject({ code: 'not_a_project' });
    const seen: (ProjectInfo | null)[] = [];
    const unsubscribe = client.project.onDidChangeProject((info) => seen.push(info));
    changed.fire(null);
    unsubscribe();
    changed.fire(null);
    expect(seen).toEqual([null]);
  });
});
