/**
 * One metric point per run, key and step. Two processes that trained one run, or a remote run's
 * record log applied twice, left the same (key, step) point several times (156 extra rows in one
 * project), so curves drew zig-zags and counts were off. The duplicates go, keeping the latest write
 * of each point (by time, then by insertion order), and a unique index takes the place of the plain
 * one, so every write is an upsert from now on. The latest-metric rows of the runs concerned are
 * rebuilt from what is kept.
 */
export default /* sql */ `
CREATE TEMP TABLE m009_duplicated_runs AS
  SELECT DISTINCT run_id FROM (SELECT run_id FROM metrics GROUP BY run_id, key, step HAVING COUNT(*) > 1);

DELETE FROM metrics WHERE run_id IN (SELECT run_id FROM m009_duplicated_runs) AND EXISTS (
  SELECT 1 FROM metrics later
  WHERE later.run_id = metrics.run_id AND later.key = metrics.key AND later.step = metrics.step
    AND (later.time > metrics.time OR (later.time = metrics.time AND later.rowid > metrics.rowid))
);

DROP INDEX metrics_run_key;
CREATE UNIQUE INDEX metrics_run_key_step ON metrics(run_id, key, step);

DELETE FROM latest_metrics WHERE run_id IN (SELECT run_id FROM m009_duplicated_runs);
INSERT INTO latest_metrics (run_id, key, step, value, time)
  SELECT run_id, key, step, value, time FROM metrics m
  WHERE run_id IN (SELECT run_id FROM m009_duplicated_runs)
    AND step = (SELECT MAX(step) FROM metrics WHERE run_id = m.run_id AND key = m.key);

DROP TABLE m009_duplicated_runs;
`;
