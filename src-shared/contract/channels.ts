import type { EventName, MethodName, ServiceName, ServiceTable } from './ServiceTable.ts';

/**
 * The allow-list of channels, `service.member`. Kept free of any dependency so the sandboxed
 * preload can bundle it. The mapped types make a missing or extra name a compile error.
 */
export const serviceMethods = {
  project: [
    'create',
    'open',
    'close',
    'current',
    'recent',
    'forgetRecent',
    'createDemo',
    'previewImport',
    'importFolder',
    'beginUpload',
    'uploadChunk',
    'discardUpload',
    'cancelTask',
  ],
  library: [
    'listClips',
    'clipIds',
    'labelCounts',
    'flagCounts',
    'clipAudio',
    'statistics',
    'setLabel',
    'setSpeaker',
    'createLabel',
    'renameLabel',
    'mergeLabels',
    'deleteLabel',
    'setLabelStyle',
    'trashClips',
    'restoreClips',
    'undo',
    'redo',
    'history',
    'assignSplits',
    'setSplitOverride',
    'splitReport',
    'flagNearDuplicates',
  ],
  features: ['presets', 'clipFeatures', 'extractAll', 'cancelTask', 'cacheStatus', 'clearCache', 'exportModelInputs'],
  training: ['presets', 'modelStats', 'warnings', 'startRun', 'resumeRun', 'cancelRun'],
  sweeps: [
    'presets',
    'check',
    'startSweep',
    'runSweep',
    'addTrials',
    'pauseSweep',
    'resumeSweep',
    'cancelSweep',
    'listSweeps',
    'getSweep',
  ],
  runs: [
    'listRuns',
    'getRun',
    'predictions',
    'queryRuns',
    'columns',
    'runIds',
    'tags',
    'setTags',
    'addTags',
    'removeTags',
    'setNote',
    'setStarred',
    'archiveRuns',
    'unarchiveRuns',
    'deleteRuns',
    'restoreRuns',
    'purgeDeletedRuns',
    'compareRuns',
    'clipDifferences',
    'likelyMislabeled',
    'sweepAnalysis',
    'exportRuns',
  ],
  export: ['formats', 'exportRun', 'exportFiles'],
  system: ['diagnostics', 'version'],
} as const satisfies { [S in ServiceName]: readonly MethodName<ServiceTable[S]>[] };

export const serviceEvents = {
  project: ['onDidChangeProject', 'onDidProgress'],
  library: ['onDidChangeLibrary'],
  features: ['onDidProgress'],
  training: ['onDidProgress'],
  sweeps: ['onDidProgress'],
  runs: ['onDidChangeRuns'],
  export: ['onDidProgress'],
  system: [],
} as const satisfies { [S in ServiceName]: readonly EventName<ServiceTable[S]>[] };

export const methodChannels: readonly string[] = Object.entries(serviceMethods).flatMap(([service, names]) =>
  names.map((name) => `${service}.${name}`),
);

export const eventChannels: readonly string[] = Object.entries(serviceEvents).flatMap(([service, names]) =>
  (names as readonly string[]).map((name) => `${service}.${name}`),
);

export function splitChannel(channel: string): [ServiceName, string] | undefined {
  const dot = channel.indexOf('.');
  if (dot <= 0) return undefined;
  const service = channel.slice(0, dot);
  // Own names only: "toString" or "constructor" are no services.
  if (!Object.hasOwn(serviceMethods, service)) return undefined;
  return [service as ServiceName, channel.slice(dot + 1)];
}
