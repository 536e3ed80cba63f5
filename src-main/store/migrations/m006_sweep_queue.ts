/**
 * Where a sweep's trials run: NULL on this machine's worker pool, or the Redis URL of a BullMQ queue
 * that `kws-studio worker` processes on other machines join. Kept with the sweep so a resumed sweep
 * goes back to the same place.
 */
export default /* sql */ `
ALTER TABLE sweeps ADD COLUMN queue_url TEXT;
`;
