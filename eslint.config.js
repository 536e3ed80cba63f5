import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The design's dependency rules (../shared/docs/design.md), checked by eslint-plugin-boundaries on
 * resolved import targets, so `../x`, `../../pages/x` and any other relative spelling of the same
 * file are judged alike. Every folder of the app is one element; tests, bench and scripts are not
 * elements and may import anything.
 */
const elements = [
  { type: 'shared', pattern: 'src-shared' },
  { type: 'platform', pattern: 'src-main/platform' },
  { type: 'preload', pattern: 'src-main/preload' },
  { type: 'host', pattern: 'src-main/host' },
  { type: 'services', pattern: 'src-main/services' },
  { type: 'store', pattern: 'src-main/store' },
  { type: 'workers', pattern: 'src-main/workers' },
  { type: 'cli', pattern: 'src-main/cli' },
  // src-main/index.ts, the Electron composition root (a file category below).
  { type: 'main-root', pattern: 'src-main' },
  { type: 'renderer-lib', pattern: 'src-renderer/lib' },
  { type: 'page', pattern: 'src-renderer/pages/*', capture: ['page'] },
  // App.svelte, main.ts: the renderer's composition root, which mounts the pages.
  { type: 'renderer-root', pattern: 'src-renderer' },
].map((element) => ({ partialMatch: false, ...element }));

/** Single files that act as elements of their own. */
const files = [
  { category: 'composition-root', pattern: 'src-main/index.ts' },
  // All the CLI may import from services. It calls the service table, so: the composition root (the
  // table, and the process's lifecycle: dispose, dropping staged
  // uploads) and the studio's home, its one input. `kws-studio worker` is a process of its own that
  // serves another machine's queue without a project session or a table, as src-main/workers/ do.
  ...[
    'src-main/services/createServices.ts',
    'src-main/services/appPaths.ts',
    'src-main/services/sweeps/queue/startTrialWorker.ts',
  ].map((pattern) => ({ category: 'cli-entry', pattern })),
];

const main = ['platform', 'preload', 'host', 'services', 'store', 'workers', 'cli', 'main-root'];
const renderer = ['renderer-lib', 'page', 'renderer-root'];
const local = (types) => ({ to: { element: { types: { anyOf: types } } } });

/** Later policies override earlier ones for the same import; anything no policy names is allowed. */
const policies = [
  {
    from: { element: { type: 'shared' } },
    disallow: [local([...main, ...renderer]), { to: { module: { origin: ['external', 'core'] } } }],
    message: 'src-shared imports only src-shared and zod ({{ dependency.source }}).',
  },
  { from: { element: { type: 'shared' } }, allow: { to: { module: { origin: 'external', source: 'zod' } } } },
  {
    from: { element: { types: { anyOf: renderer } } },
    disallow: [local(main), { to: { module: { origin: 'core' } } }],
    message: 'The renderer never imports src-main or Node built-ins ({{ dependency.source }}).',
  },
  {
    from: { element: { types: { anyOf: main } } },
    disallow: local(renderer),
    message: 'Only the renderer imports the renderer ({{ dependency.source }}).',
  },
  {
    from: { element: { type: 'services' } },
    disallow: local(['platform', 'preload', 'host', 'workers', 'cli', 'main-root']),
    message: 'Services are plain Node: they never import platform, host, workers or the CLI ({{ dependency.source }}).',
  },
  {
    from: { element: { type: 'cli' } },
    disallow: local(['services']),
    message:
      'The CLI calls the service table: from src-main/services it imports only createServices.ts and the few files eslint.config.js names ({{ dependency.source }}).',
  },
  { from: { element: { type: 'cli' } }, allow: { to: { file: { categories: 'cli-entry' } } } },
  {
    from: { element: { type: 'store' } },
    disallow: local(['services']),
    message: 'The store never imports services ({{ dependency.source }}).',
  },
  {
    from: { element: { type: 'renderer-lib' } },
    disallow: local(['page']),
    message: 'src-renderer/lib never imports a page folder ({{ dependency.source }}).',
  },
  {
    from: { element: { type: 'page' } },
    disallow: { to: { element: { type: 'page', captured: { page: '!{{ from.element.captured.page }}' } } } },
    message: 'Page folders never import each other; share state through lib/state ({{ dependency.source }}).',
  },
  {
    disallow: { to: { module: { source: 'electron' } } },
    message: 'Only src-main/platform, the preload and src-main/index.ts import electron.',
  },
  {
    from: [{ element: { types: { anyOf: ['platform', 'preload'] } } }, { file: { categories: 'composition-root' } }],
    allow: { to: { module: { source: 'electron' } } },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', '.venv-ref/**', 'docs/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
  },
  { files: ['src-renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['src-shared/**', 'src-main/**', 'src-renderer/**'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/files': files,
      'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export'],
      'boundaries/legacy-templates': false,
      'import/resolver': { node: { extensions: ['.ts', '.js', '.mjs', '.svelte'] } },
    },
    rules: { 'boundaries/dependencies': ['error', { default: 'allow', checkAllOrigins: true, policies }] },
  },
);
