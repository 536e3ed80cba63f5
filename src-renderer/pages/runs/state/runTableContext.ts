import { getContext, setContext } from 'svelte';
import type { RunTableState } from './RunTableState.svelte.ts';

const KEY = Symbol('kws-studio.runTable');

/**
 * The Runs page's state, passed by context. App.svelte creates it once and sets it, so the table
 * comes back as it was left (filter, selection, scroll) when the page is shown again.
 */
export function setRunTableContext(runTable: RunTableState): void {
  setContext(KEY, runTable);
}

export function runTableContext(): RunTableState {
  return getContext<RunTableState>(KEY);
}
