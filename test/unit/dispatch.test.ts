import { describe, expect, it } from 'vitest';
import { serviceMethods } from '../../src-shared/contract/channels.ts';
import { createClient } from '../../src-shared/contract/createClient.ts';
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
      createDemo: reject,
      previewImport: reject,
      importFolder: reject,
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
    await expect(dispatcher.call('library.listClips', { offset: 0, extra: true })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(dispatcher.call('project.open', { path: 'a\0b' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(calls).toEqual([]);
    await dispatcher.call('library.listClips', { offset: 5 });
    expect(calls).toEqual([{ offset: 5 }]);
  });

  it('gives a typed client that carries errors and events through', async () => {
    const { services, changed } = fakeServices();
    const dispatcher = createDispatcher(services);
    const client = createClient({ invoke: (channel, input) => dispatcher.call(channel, input), subscribe: dispatcher.subscribe });
    await expect(client.project.open({ path: '/nope' })).rejects.toMatchObject({ code: 'not_a_project' });
    const seen: (ProjectInfo | null)[] = [];
    const unsubscribe = client.project.onDidChangeProject((info) => seen.push(info));
    changed.fire(null);
    unsubscribe();
    changed.fire(null);
    expect(seen).toEqual([null]);
  });
});
