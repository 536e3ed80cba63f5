import fs from 'node:fs';
import path from 'node:path';
import type { RecentProject } from '../../src-shared/model/ProjectInfo.ts';

const MAX_RECENT = 12;

interface StoredRecent {
  path: string;
  name: string;
  openedAt: string;
}

/** The recent-projects list, a small JSON file in the studio's home, written atomically. */
export class RecentProjects {
  private readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'recent-projects.json');
  }

  list(): RecentProject[] {
    return this.read().map((entry) => ({
      ...entry,
      exists: fs.existsSync(path.join(entry.path, 'project.sqlite')),
    }));
  }

  remember(projectPath: string, name: string): void {
    const entries = this.read().filter((entry) => entry.path !== projectPath);
    entries.unshift({ path: projectPath, name, openedAt: new Date().toISOString() });
    this.write(entries.slice(0, MAX_RECENT));
  }

  /** Drops the entries `drop` picks (the folders stay as they are); returns how many went. */
  forget(drop: (entry: RecentProject) => boolean): number {
    const entries = this.list();
    const kept = entries.filter((entry) => !drop(entry));
    if (kept.length === entries.length) return 0;
    this.write(kept.map(({ path: entryPath, name, openedAt }) => ({ path: entryPath, name, openedAt })));
    return entries.length - kept.length;
  }

  private read(): StoredRecent[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed.filter(
        (entry): entry is StoredRecent =>
          typeof entry === 'object' &&
          entry !== null &&
          typeof entry.path === 'string' &&
          typeof entry.name === 'string',
      );
    } catch {
      // A missing or damaged list is not worth an error: it is rebuilt as projects are opened.
      return [];
    }
  }

  private write(entries: StoredRecent[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(entries, null, 2));
    fs.renameSync(temporary, this.file);
  }
}
