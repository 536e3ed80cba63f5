import { getContext, setContext } from 'svelte';
import type { CompareState } from './CompareState.svelte.ts';
import type { FeatureState } from './FeatureState.svelte.ts';
import type { ImportState } from './ImportState.svelte.ts';
import type { LibraryState } from './LibraryState.svelte.ts';
import type { RunTableState } from './RunTableState.svelte.ts';
import type { SweepState } from './SweepState.svelte.ts';
import type { StudioState } from './StudioState.svelte.ts';
import type { ThemeState } from './ThemeState.svelte.ts';
import type { ToastState } from './ToastState.svelte.ts';
import type { TrainingState } from './TrainingState.svelte.ts';

/** The state objects App.svelte creates and every feature reads, passed by context. */
export interface AppContext {
  studio: StudioState;
  library: LibraryState;
  imports: ImportState;
  features: FeatureState;
  training: TrainingState;
  sweeps: SweepState;
  runTable: RunTableState;
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
