import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { createServices } from '../../src-main/services/createServices.ts';
import { tempDir } from '../support/tempDir.ts';

const dir = tempDir();

describe('the recent projects list', () => {
  it('marks projects that are gone and forgets one, or every missing one, without touching folders', async () => {
    const studio = createServices({ home: path.join(dir, 'home') });
    // Through the dispatcher, as the UI calls it, so the input schema is exercised too.
    const dispatcher = createDispatcher(studio.services);
    const client = createClient({
      invoke: (channel, input) => dispatcher.call(channel, input),
      subscribe: dispatcher.subscribe,
    });
    try {
      const [kept, gone, alsoGone] = ['kept', 'gone', 'also-gone'].map((name) => path.join(dir, name));
      for (const folder of [kept, gone, alsoGone]) await client.project.create({ path: folder! });
      await client.project.close();
      fs.rmSync(gone!, { recursive: true });
      fs.rmSync(path.join(alsoGone!, 'project.sqlite'));

      const listed = await client.project.recent();
      expect(listed.map((item) => [path.basename(item.path), item.exists])).toEqual([
        ['also-gone', false],
        ['gone', false],
        ['kept', true],
      ]);

      const afterOne = await client.project.forgetRecent({ path: gone! });
      expect(afterOne.map((item) => path.basename(item.path))).toEqual(['also-gone', 'kept']);
      await expect(client.project.forgetRecent({ path: gone! })).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('not in the recent projects list'),
      });

      const afterMissing = await client.project.forgetRecent({ missing: true });
      expect(afterMissing.map((item) => path.basename(item.path))).toEqual(['kept']);
      expect(fs.existsSync(alsoGone!), 'forgetting leaves the folder alone').toBe(true);
      expect(await client.project.recent()).toEqual(afterMissing);

      await expect(client.project.forgetRecent({ path: '' })).rejects.toMatchObject({ code: 'invalid_input' });
      await expect(client.project.forgetRecent({ missing: false } as never)).rejects.toMatchObject({
        code: 'invalid_input',
      });
    } finally {
      studio.dispose();
    }
  });
});
