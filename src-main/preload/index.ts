import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { eventChannels, methodChannels } from '../../src-shared/contract/channels.ts';

/**
 * The only surface the renderer gets: invoke an allow-listed method channel, subscribe to an
 * allow-listed event channel, read the path of a file the user dropped (which the sandboxed page
 * cannot see), and ask for a folder through the system's dialog (to import from, or to export into). Anything else is refused here, before it reaches the main process.
 */
let nextSubscription = 1;
const listeners = new Map<number, (value: unknown) => void>();
ipcRenderer.on('kws:event', (_event, id: number, data: unknown) => listeners.get(id)?.(data));

contextBridge.exposeInMainWorld('kwsBridge', {
  invoke(channel: string, input: unknown): Promise<unknown> {
    if (!methodChannels.includes(channel)) return Promise.reject(new Error(`Channel "${channel}" is not allowed.`));
    return ipcRenderer.invoke(channel, input);
  },
  subscribe(channel: string, listener: (value: unknown) => void): () => void {
    if (!eventChannels.includes(channel)) throw new Error(`Event channel "${channel}" is not allowed.`);
    const id = nextSubscription++;
    listeners.set(id, listener);
    ipcRenderer.send('kws:subscribe', id, channel);
    return () => {
      listeners.delete(id);
      ipcRenderer.send('kws:unsubscribe', id);
    };
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
  chooseFolder(): Promise<string | null> {
    return ipcRenderer.invoke('kws:chooseFolder');
  },
  chooseSaveFolder(): Promise<string | null> {
    return ipcRenderer.invoke('kws:chooseSaveFolder');
  },
});
