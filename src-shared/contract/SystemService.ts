import type { Diagnostics } from '../model/Diagnostics.ts';

/** Facts about this machine and installation, as `kws-studio doctor` prints them. */
export interface SystemService {
  diagnostics(): Promise<Diagnostics>;
  version(): Promise<{ app: string }>;
}
