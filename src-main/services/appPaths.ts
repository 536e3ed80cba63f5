import os from 'node:os';
import path from 'node:path';

/**
 * Where the studio keeps its own state (recent projects, the default demo project).
 * `KWS_STUDIO_HOME` overrides it, which is how tests keep their state apart.
 */
export function studioHome(): string {
  if (process.env.KWS_STUDIO_HOME) return path.resolve(process.env.KWS_STUDIO_HOME);
  const dataHome = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'kws-studio');
}

export function defaultDemoProjectPath(home: string): string {
  return path.join(home, 'demo-project');
}

/** Where `npm start` keeps the full output of the build and the studio it starts. */
export function logsDir(home: string): string {
  return path.join(home, 'logs');
}
