import { getContext, setContext } from 'svelte';

/**
 * What the Ship panels need from the host besides the services: Electron's folder dialog for an
 * export's destination. Absent in a browser (serve mode), where an export is downloaded as a zip.
 */
export interface ShipHost {
  chooseSaveFolder?: (() => Promise<string | null>) | undefined;
}

const KEY = Symbol('kws-ship');

export function setShipContext(host: ShipHost): void {
  setContext(KEY, host);
}

export function shipContext(): ShipHost {
  return getContext<ShipHost | undefined>(KEY) ?? {};
}
