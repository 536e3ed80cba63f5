import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * One store writes a run's rows: `src-main/services/runs/store/` is the only code in src-main whose
 * SQL inserts, updates, replaces or deletes rows of the run tables (migrations aside). Every string
 * and template literal of src-main is read (comments are not code and are skipped); a write to a run
 * table outside the store, or a write whose table is computed (`DELETE FROM ${table}`) so no reader
 * can tell, fails the test naming file and line.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const storeFolder = 'src-main/services/runs/store/';
const migrationsFolder = 'src-main/store/migrations/';
const runTables = [
  'runs',
  'metrics',
  'latest_metrics',
  'artifacts',
  'predictions',
  'run_tags',
  'run_owners',
  'snapshots',
  'snapshot_clips',
];

// INSERT [OR x] INTO, REPLACE INTO, UPDATE [OR x], DELETE FROM, then the table, bare or quoted; any case, any spacing (newlines too).
const writeVerb = String.raw`\b(?:insert(?:\s+or\s+\w+)?\s+into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+`;
const runTableWrite = new RegExp(`${writeVerb}["\`\\[]?(?:main\\.)?(${runTables.join('|')})["\`\\]]?(?![\\w.])`, 'gi');
const computedTableWrite = new RegExp(`${writeVerb}\\$\\{`, 'gi');

interface Write {
  file: string;
  line: number;
  table: string;
  sql: string;
}

/** The SQL writes to run tables (and writes to computed tables) in one file's string and template literals. */
function sqlWrites(file: string, source: string): Write[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const writes: Write[] = [];
  const scan = (node: ts.Node): void => {
    const literal =
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
    if (!literal) {
      ts.forEachChild(node, scan);
      return;
    }
    // The raw text keeps `${…}` of a template, so a computed table name shows as such.
    const text = node.getText(sourceFile);
    for (const [pattern, tableOf] of [
      [runTableWrite, (match: RegExpMatchArray) => (match[1] ?? '').toLowerCase()],
      [computedTableWrite, () => '(a computed table)'],
    ] as const) {
      for (const match of text.matchAll(pattern)) {
        const at = match.index ?? 0;
        const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile) + at).line + 1;
        writes.push({ file, line, table: tableOf(match), sql: text.slice(at, at + 60).replace(/\s+/g, ' ') });
      }
    }
  };
  scan(sourceFile);
  return writes;
}

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

const writesIn = (files: readonly string[]) =>
  files.flatMap((file) => sqlWrites(file, fs.readFileSync(path.join(root, file), 'utf8')));
const described = (writes: readonly Write[]) =>
  writes.map((write) => `${write.file}:${write.line} writes ${write.table}: ${write.sql}`);

describe('the run store is the only writer of runs', () => {
  it('finds no write to a run table in src-main outside the store and the migrations', () => {
    const files = sourceFiles('src-main').filter(
      (file) => !file.startsWith(storeFolder) && !file.startsWith(migrationsFolder),
    );
    // Guards against a walk that finds nothing (a moved folder, a wrong root) and so passes by default.
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('src-main/services/runs/createRunService.ts');
    expect(described(writesIn(files))).toEqual([]);
  });

  it('sees the store write every run table, so its pattern matches the SQL as the code spells it', () => {
    const files = sourceFiles(storeFolder);
    const tables = new Set(writesIn(files).map((write) => write.table));
    expect([...tables].sort()).toEqual([...runTables].sort());
  });

  it('catches planted writes in any spelling and leaves reads, other tables and comments alone', () => {
    const planted = [
      `db.prepare('UPDATE runs SET note = ? WHERE id = ?').run(note, id);`,
      'db.prepare(`INSERT OR REPLACE INTO\n    metrics (run_id, key, step, value, time) VALUES (?, ?, ?, ?, ?)`);',
      `const sql = "delete   from run_tags where run_id = ?";`,
      `db.exec('Replace Into predictions SELECT * FROM old_predictions');`,
      'db.prepare(`UPDATE "artifacts" SET bytes = ? WHERE run_id = ${"?"}`);',
      `db.prepare('insert or ignore into latest_metrics (run_id) values (?)');`,
      `db.prepare('DELETE FROM run_owners WHERE pid = ?');`,
      `db.prepare('INSERT INTO snapshots (id) VALUES (?)');`,
      `db.prepare('UPDATE OR IGNORE main.runs SET sweep_id = ?');`,
      'for (const table of tables) db.prepare(`DELETE FROM ${table} WHERE run_id = ?`).run(runId);',
    ];
    const source = planted.join('\n');
    const found = sqlWrites('src-main/services/Planted.ts', source);
    expect(found.map((write) => [write.line, write.table])).toEqual([
      [1, 'runs'],
      [2, 'metrics'],
      [4, 'run_tags'],
      [5, 'predictions'],
      [6, 'artifacts'],
      [7, 'latest_metrics'],
      [8, 'run_owners'],
      [9, 'snapshots'],
      [10, 'runs'],
      [11, '(a computed table)'],
    ]);
    expect(described(found)[0]).toMatch(
      /^src-main\/services\/Planted\.ts:1 writes runs: UPDATE runs SET note = \? WHERE id = \?/,
    );

    const innocent = [
      `db.prepare('SELECT * FROM runs WHERE id = ?');`,
      `db.prepare('UPDATE trials SET run_id = NULL WHERE run_id = ?');`,
      `db.prepare('UPDATE run_changes SET seq = ?');`,
      `db.prepare('INSERT INTO runs_archive (id) VALUES (?)');`,
      `db.prepare('DELETE FROM metrics_cache');`,
      '// Training processes update runs every second; delete from metrics happens on resume.',
      `const message = \`Import from \${source}\`;`,
    ];
    expect(described(sqlWrites('src-main/services/Innocent.ts', innocent.join('\n')))).toEqual([]);
  });
});
