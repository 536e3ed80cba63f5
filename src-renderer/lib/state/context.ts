import { getContext, setContext } from 'svelte';
import type { CompareState } from './CompareState.svelte.ts';
import type { FeatureState } from './FeatureState.svelte.ts';
import type { LibraryState } from './LibraryState.svelte.ts';
import type { SweepState } from './SweepState.svelte.ts';
import type { StudioState } from './StudioState.svelte.ts';
import type { ThemeState } from './ThemeState.svelte.ts';
import type { ToastState } from './ToastState.svelte.ts';
import type { TrainingState } from './TrainingState.svelte.ts';

/**
 * The shared state App.svelte creates and the pages read, passed by context: the studio, the
 * domains several pages use, toasts and the theme. A page's own state lives beside the page, with
 * a context of its own (pages/runs/state/runTableContext.ts, pages/library/importContext.ts).
 */
export interface AppContext {
  studio: StudioState;
  library: LibraryState;
  features: FeatureState;
  training: TrainingState;
  sweeps: SweepState;
  compare: CompareState;
  toasts: ToastState;
  theme: ThemeState;
}

const KEY = Symbol('kws-studio');

export function setAppContext(context: AppContext): void {
  setContext(KEY, context);
}

export function appContext(): AppContext {
  return getContext<AppContext>(KEY);
}
