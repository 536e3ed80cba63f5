import path from 'node:path';

/** The folders of a project, as the design lays them out. */
export function projectLayout(root: string) {
  return {
    root,
    database: path.join(root, 'project.sqlite'),
    audio: path.join(root, 'audio'),
    /** Copies an import has made whose rows are not committed yet; moved into audio/ once they are. */
    incoming: path.join(root, 'audio', '.incoming'),
    derived: path.join(root, 'derived'),
    featureCache: path.join(root, 'cache', 'features'),
    runs: path.join(root, 'runs'),
    /** Files uploaded from a browser drop, kept only until their import ends. */
    staging: path.join(root, 'staging'),
  };
}

export type ProjectLayout = ReturnType<typeof projectLayout>;

/** Content-addressed location of an imported file: audio/ab/abcdef….wav */
export function audioPath(layout: ProjectLayout, hash: string, ext: string): string {
  return path.join(layout.audio, hash.slice(0, 2), `${hash}.${ext}`);
}
