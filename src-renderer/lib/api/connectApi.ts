import { createClient, type ClientTransport } from '../../../src-shared/contract/createClient.ts';
import type { ServiceTable } from '../../../src-shared/contract/ServiceTable.ts';
import { fromWireError, type WireError } from '../../../src-shared/contract/StudioError.ts';
import { createWebSocketTransport } from './webSocketTransport.ts';

interface ElectronBridge {
  invoke(channel: string, input: unknown): Promise<{ ok: true; out: unknown } | { ok: false; err: WireError }>;
  subscribe(channel: string, listener: (value: unknown) => void): () => void;
  pathForFile?(file: File): string;
  chooseFolder?(): Promise<string | null>;
  chooseSaveFolder?(): Promise<string | null>;
}

export interface StudioApi {
  services: ServiceTable;
  transport: 'electron' | 'serve';
  /** Electron only: where a dropped file or folder lives on disk ('' when it has no path). */
  pathForFile?: ((file: File) => string) | undefined;
  /** Electron only: the system's folder dialog (null when cancelled). */
  chooseFolder?: (() => Promise<string | null>) | undefined;
  /** Electron only: the system's folder dialog for an export's destination (null when cancelled). */
  chooseSaveFolder?: (() => Promise<string | null>) | undefined;
}

/** The typed services, over the Electron preload bridge when present, else over serve mode's WebSocket. */
export function connectApi(onConnectionChange: (connected: boolean) => void): StudioApi {
  const bridge = (window as unknown as { kwsBridge?: ElectronBridge }).kwsBridge;
  if (bridge) {
    const transport: ClientTransport = {
      async invoke(channel, input) {
        const result = await bridge.invoke(channel, input);
        if (!result.ok) throw fromWireError(result.err);
        return result.out;
      },
      subscribe: (channel, listener) => bridge.subscribe(channel, listener),
    };
    const { pathForFile, chooseFolder, chooseSaveFolder } = bridge;
    return {
      services: createClient(transport),
      transport: 'electron',
      pathForFile: pathForFile && ((file) => pathForFile(file)),
      chooseFolder: chooseFolder && (() => chooseFolder()),
      chooseSaveFolder: chooseSaveFolder && (() => chooseSaveFolder()),
    };
  }
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = createWebSocketTransport(`${protocol}//${location.host}/ws`, onConnectionChange);
  return { services: createClient(transport), transport: 'serve' };
}
