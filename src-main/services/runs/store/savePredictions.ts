import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/** A finished run's answer for one clip, with every class's probability. */
export interface PredictionRow {
  clipId: number;
  split: string | null;
  label: string;
  predicted: string;
  confidence: number;
  probabilities: Float32Array;
}

export function savePredictions(db: ProjectDatabase, runId: string, rows: readonly PredictionRow[]): void {
  const insert = db.prepare(
    `INSERT OR REPLACE INTO predictions (run_id, clip_id, split, label, predicted, confidence, probabilities) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const row of rows) {
      insert.run(
        runId,
        row.clipId,
        row.split,
        row.label,
        row.predicted,
        row.confidence,
        Buffer.from(row.probabilities.buffer, row.probabilities.byteOffset, row.probabilities.byteLength),
      );
    }
  })();
}
