import type { ExportService } from './ExportService.ts';
import type { FeatureService } from './FeatureService.ts';
import type { LibraryService } from './LibraryService.ts';
import type { ProjectService } from './ProjectService.ts';
import type { RunService } from './RunService.ts';
import type { SweepService } from './SweepService.ts';
import type { SystemService } from './SystemService.ts';
import type { TrainingService } from './TrainingService.ts';
import type { Event } from './events.ts';

/** Every service the studio exposes, by name. Both transports serve this table. */
export interface ServiceTable {
  project: ProjectService;
  library: LibraryService;
  features: FeatureService;
  training: TrainingService;
  sweeps: SweepService;
  runs: RunService;
  export: ExportService;
  system: SystemService;
}

export type ServiceName = keyof ServiceTable;

/** Members named `onSomething` are event subscriptions; the rest are methods. */
export type EventName<S> = {
  [K in keyof S]: K extends `on${string}` ? (S[K] extends Event<unknown> ? K : never) : never;
}[keyof S] &
  string;
export type MethodName<S> = Exclude<keyof S & string, EventName<S>>;
