import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** The design's dependency rules, one zone per folder; a forbidden import fails `npm test`. */
const restrict = (paths, patterns) => ['error', { paths, patterns }];
const noElectron = { name: 'electron', message: 'Only src-main/platform (and the preload) may import electron.' };
const noNode = nodeBuiltins.map((name) => ({ name, message: 'This code runs in the renderer or in src-shared: no Node built-ins.' }));
const mainFolders = { group: ['**/src-main/**', '**/src-main'], message: 'The renderer and src-shared must not import src-main.' };
const rendererFolders = { group: ['**/src-renderer/**'], message: 'Only the renderer imports the renderer.' };

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', '.venv-ref/**', 'docs/**'] },
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
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] }, globals: { ...globals.browser } },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, ...noNode, { name: 'svelte', message: 'src-shared is framework-free.' }],
        [mainFolders, rendererFolders, { group: ['svelte/*'], message: 'src-shared is framework-free.' }],
      ),
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/platform/**', 'src-main/preload/**', 'src-main/index.ts'],
    rules: { 'no-restricted-imports': restrict([noElectron], [rendererFolders, { group: ['electron/*'], message: noElectron.message }]) },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': restrict([noElectron, ...noNode], [mainFolders]) },
  },
  {
    // Features share state through lib/state and never import one another.
    files: ['src-renderer/features/**'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, ...noNode],
        [mainFolders, { regex: '^\\.\\./(?!\\.\\.)', message: 'Features must not import other features; share state through lib/state.' }],
      ),
    },
  },
);
