import { getContext, setContext } from 'svelte';
import type { ImportState } from './ImportState.svelte.ts';

const KEY = Symbol('kws-studio.imports');

/**
 * The Library page's import state, passed by context. App.svelte creates it once and sets it, so
 * an upload or the last import's report outlives a visit to another page.
 */
export function setImportContext(imports: ImportState): void {
  setContext(KEY, imports);
}

export function importContext(): ImportState {
  return getContext<ImportState>(KEY);
}
