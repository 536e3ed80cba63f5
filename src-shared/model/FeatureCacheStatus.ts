/** What the feature cache holds and how well it served this session. */
export interface FeatureCacheStatus {
  entries: number;
  bytes: number;
  capBytes: number;
  hits: number;
  misses: number;
  /** hits / (hits + misses) this session; null before the first lookup. */
  hitRate: number | null;
  /** Entries found damaged (and recomputed) this session. */
  corrupt: number;
  /** Writes that failed (e.g. a full disk); features were still computed and returned. */
  writeFailures: number;
  lastWriteError: string | null;
}
