import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const boundaryRule = 'boundaries/dependencies';

// Only the boundary rule runs: the other rules are not under test here and would only slow it down.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: path.join(root, 'eslint.config.js'),
  ruleFilter: ({ ruleId }) => ruleId === boundaryRule,
});

/** Lints `code` as if it were the (not existing) file `file`, so imports resolve against the real tree. */
async function boundaryMessages(file: string, code: string): Promise<string[]> {
  const results = await eslint.lintText(code, { filePath: path.join(root, file) });
  return results
    .flatMap((result) => result.messages)
    .map((message) => `${message.ruleId ?? 'parse error'}: ${message.message}`);
}

/** Targets that must exist for the planted imports to resolve (a planted import of a missing file proves nothing). */
function existing(file: string): string {
  if (!fs.existsSync(path.join(root, file)))
    throw new Error(`importRules.test: planted import target ${file} does not exist; pick another file`);
  return file;
}

// The CLI is the src-main/cli/ folder.
const cliTargets = ['src-main/cli/main.ts', 'src-main/cli/numberOption.ts'].filter((file) =>
  fs.existsSync(path.join(root, file)),
);

/** One violating import per rule: the file it is planted in, the import, and the policy message it must trip. */
const violations: { name: string; file: string; code: string; expected: RegExp }[] = [
  {
    name: 'src-shared → src-main',
    file: 'src-shared/model/Planted.ts',
    code: `import { appVersion } from '../../${existing('src-main/services/appVersion.ts')}';`,
    expected: /src-shared imports only src-shared and zod/,
  },
  {
    name: 'src-shared → an npm package other than zod',
    file: 'src-shared/model/Planted.ts',
    code: "import { WebSocket } from 'ws';",
    expected: /src-shared imports only src-shared and zod \(ws\)/,
  },
  {
    name: 'src-shared → a Node built-in',
    file: 'src-shared/dsp/Planted.ts',
    code: "import fs from 'node:fs';",
    expected: /src-shared imports only src-shared and zod \(node:fs\)/,
  },
  {
    name: 'src-shared → the renderer',
    file: 'src-shared/model/Planted.ts',
    code: `import '../../${existing('src-renderer/lib/api/connectApi.ts')}';`,
    expected: /src-shared imports only src-shared and zod/,
  },
  {
    name: 'service → host',
    file: 'src-main/services/runs/Planted.ts',
    code: `import '../../${existing('src-main/host/hostLog.ts').slice('src-main/'.length)}';`,
    expected: /Services are plain Node/,
  },
  {
    name: 'service → platform',
    file: 'src-main/services/runs/Planted.ts',
    code: `export { createMainWindow } from '../../${existing('src-main/platform/createMainWindow.ts').slice('src-main/'.length)}';`,
    expected: /Services are plain Node/,
  },
  {
    name: 'service → workers (dynamic import)',
    file: 'src-main/services/Planted.ts',
    code: `await import('../${existing('src-main/workers/featureWorker.ts').slice('src-main/'.length)}');`,
    expected: /Services are plain Node/,
  },
  ...cliTargets.map((target) => ({
    name: `service → CLI (${target})`,
    file: 'src-main/services/training/Planted.ts',
    code: `import '../../${target.slice('src-main/'.length)}';`,
    expected: /Services are plain Node/,
  })),
  {
    name: "CLI → a service's internals (the sweep scheduler)",
    file: 'src-main/cli/Planted.ts',
    code: `import { SweepScheduler } from '../${existing('src-main/services/sweeps/SweepScheduler.ts').slice('src-main/'.length)}';`,
    expected: /The CLI calls the service table/,
  },
  {
    name: "CLI → a service's internals (the feature extractor, dynamic import)",
    file: 'src-main/cli/Planted.ts',
    code: `await import('../${existing('src-main/services/features/extractProjectFeatures.ts').slice('src-main/'.length)}');`,
    expected: /The CLI calls the service table/,
  },
  {
    name: 'store → services',
    file: 'src-main/store/Planted.ts',
    code: `import { appVersion } from '../${existing('src-main/services/appVersion.ts').slice('src-main/'.length)}';`,
    expected: /The store never imports services/,
  },
  {
    name: 'renderer lib → page folder',
    file: 'src-renderer/lib/state/Planted.svelte.ts',
    code: `import ClipTable from '../../${existing('src-renderer/pages/library/ClipTable.svelte').slice('src-renderer/'.length)}';`,
    expected: /src-renderer\/lib never imports a page folder/,
  },
  {
    name: 'page → other page (../x/Y.svelte, in a .svelte file)',
    file: 'src-renderer/pages/runs/Planted.svelte',
    code: `<script lang="ts">\n  import ClipTable from '../library/ClipTable.svelte';\n</script>\n<ClipTable />\n`,
    expected: /Page folders never import each other/,
  },
  {
    name: 'page → other page (../../pages/x/Y.svelte)',
    file: 'src-renderer/pages/runs/Planted.ts',
    code: "import ClipTable from '../../pages/library/ClipTable.svelte';",
    expected: /Page folders never import each other/,
  },
  {
    name: 'renderer → src-main',
    file: 'src-renderer/lib/api/Planted.ts',
    code: "import { appVersion } from '../../../src-main/services/appVersion.ts';",
    expected: /The renderer never imports src-main or Node built-ins/,
  },
  {
    name: 'renderer → a Node built-in',
    file: 'src-renderer/pages/runs/Planted.ts',
    code: "import path from 'node:path';",
    expected: /The renderer never imports src-main or Node built-ins \(node:path\)/,
  },
  {
    name: 'src-main → the renderer',
    file: 'src-main/host/Planted.ts',
    code: `import '../../${existing('src-renderer/lib/api/connectApi.ts')}';`,
    expected: /Only the renderer imports the renderer/,
  },
  {
    name: 'electron in a service',
    file: 'src-main/services/Planted.ts',
    code: "import { app } from 'electron';",
    expected: /Only src-main\/platform, the preload and src-main\/index.ts import electron/,
  },
  {
    name: 'electron in a worker',
    file: 'src-main/workers/Planted.ts',
    code: "import { utilityProcess } from 'electron';",
    expected: /Only src-main\/platform, the preload and src-main\/index.ts import electron/,
  },
];

/** Imports the design allows; they must stay clean so the rules are not simply "forbid everything". */
const allowed: { name: string; file: string; code: string }[] = [
  {
    name: 'src-shared → zod and src-shared',
    file: 'src-shared/model/Planted.ts',
    code: `import { z } from 'zod';\nimport '../${existing('src-shared/model/Run.ts').slice('src-shared/'.length)}';`,
  },
  { name: 'platform → electron', file: 'src-main/platform/Planted.ts', code: "import { app } from 'electron';" },
  { name: 'src-main/index.ts → electron', file: 'src-main/index.ts', code: "import { app } from 'electron';" },
  {
    name: 'workers → services',
    file: 'src-main/workers/Planted.ts',
    code: "import { appVersion } from '../services/appVersion.ts';",
  },
  {
    name: 'host → services',
    file: 'src-main/host/Planted.ts',
    code: "import { appVersion } from '../services/appVersion.ts';",
  },
  {
    name: 'CLI → the composition root and the studio home',
    file: 'src-main/cli/Planted.ts',
    code: "import { createServices } from '../services/createServices.ts';\nimport { studioHome } from '../services/appPaths.ts';",
  },
  {
    name: 'services → store',
    file: 'src-main/services/Planted.ts',
    code: "import { appVersion } from '../store/appVersion.ts';",
  },
  {
    name: 'page → its own folder and lib',
    file: 'src-renderer/pages/library/Planted.ts',
    code: `import ClipTable from './ClipTable.svelte';\nimport '../../${existing('src-renderer/lib/api/connectApi.ts').slice('src-renderer/'.length)}';`,
  },
];

describe('the design’s import matrix, enforced by lint', () => {
  it.each(violations)('reports $name', async ({ file, code, expected }) => {
    const messages = await boundaryMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(new RegExp(`^${boundaryRule}: ${expected.source}`));
  });

  it.each(allowed)('allows $name', async ({ file, code }) => {
    expect(await boundaryMessages(file, code)).toEqual([]);
  });

  it('finds the CLI to plant an import of', () => {
    expect(cliTargets.length, 'src-main/cli/ does not exist').toBe(2);
  });

  it('finds no violation among the real tree’s imports', async () => {
    // Every import of every source file, linted by the same rule as that file. Only the import list is
    // linted, not the whole file: parsing all of src-* with the TypeScript and Svelte parsers takes
    // 20–40 s here, which `npm run lint` already spends on the full check.
    const sources = ['src-shared', 'src-main', 'src-renderer'].flatMap((folder) =>
      fs
        .readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => /\.(ts|svelte)$/.test(file))
        .map((file) => path.join(folder, file)),
    );
    const problems: string[] = [];
    let importCount = 0;
    for (const file of sources) {
      const specifiers = importsOf(fs.readFileSync(path.join(root, file), 'utf8'), file.endsWith('.svelte'));
      importCount += specifiers.length;
      if (specifiers.length === 0) continue;
      const imports = specifiers.map((specifier) => `import ${JSON.stringify(specifier)};`).join('\n');
      const code = file.endsWith('.svelte') ? `<script lang="ts">\n${imports}\n</script>\n` : imports;
      problems.push(...(await boundaryMessages(file, code)).map((message) => `${file}: ${message}`));
    }
    expect(sources.length).toBeGreaterThan(300);
    expect(importCount).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  }, 60_000);
});

/** The module specifiers a source file imports, re-exports or dynamically imports, read by TypeScript's own scanner. */
function importsOf(text: string, isSvelte: boolean): string[] {
  const scripts = isSvelte
    ? [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? '')
    : [text];
  return scripts.flatMap((script) =>
    ts.preProcessFile(script, true, false).importedFiles.map((imported) => imported.fileName),
  );
}
