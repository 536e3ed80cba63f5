/** What the studio shows about the open project. */
export interface ProjectInfo {
  path: string;
  name: string;
  createdAt: string;
  /** The migration the database is at. */
  schemaVersion: number;
  /** Every clip is resampled to this rate for features and training. */
  sampleRate: number;
  /** The clip length models are trained on. */
  clipDurationMs: number;
  clipCount: number;
  noiseCount: number;
  labelCount: number;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
  /** False when the folder or its database is gone since it was last opened. */
  exists: boolean;
}
