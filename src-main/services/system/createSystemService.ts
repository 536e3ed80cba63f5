import type { SystemService } from '../../../src-shared/contract/SystemService.ts';
import { appVersion } from '../appVersion.ts';
import { collectDiagnostics } from './collectDiagnostics.ts';

export function createSystemService(home: string): SystemService {
  let cached: ReturnType<typeof collectDiagnostics> | undefined;
  return {
    async diagnostics() {
      // Probing TensorFlow takes a second or two; the facts do not change while the studio runs.
      cached ??= collectDiagnostics(home).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return { facts: await cached };
    },
    async version() {
      return { app: appVersion };
    },
  };
}
