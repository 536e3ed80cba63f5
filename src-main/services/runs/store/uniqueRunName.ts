import type { ProjectDatabase } from '../../../store/openProjectDatabase.ts';

/**
 * `base` when no run of the project has that name yet, else the first free "base 2", "base 3", …,
 * so runs started alike (the same preset, from the UI or the CLI) stay apart in lists and charts.
 * Deleted runs count: they can be restored.
 */
export function uniqueRunName(db: ProjectDatabase, base: string): string {
  const taken = db
    .prepare('SELECT name FROM runs WHERE name = ? OR instr(name, ?) = 1')
    .pluck()
    .all(base, `${base} `) as string[];
  return firstFreeName(base, new Set(taken));
}

/** `base`, "base 2", "base 3", …: the first not in `taken`. */
export function firstFreeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    if (!taken.has(`${base} ${n}`)) return `${base} ${n}`;
  }
}
