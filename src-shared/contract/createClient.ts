import { serviceEvents, serviceMethods } from './channels.ts';
import type { ServiceName, ServiceTable } from './ServiceTable.ts';

/** The two operations every transport offers to a client. */
export interface ClientTransport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (value: unknown) => void): () => void;
}

/** Builds a typed proxy of the service table over any transport (Electron bridge, WebSocket). */
export function createClient(transport: ClientTransport): ServiceTable {
  const table: Record<string, Record<string, unknown>> = {};
  for (const service of Object.keys(serviceMethods) as ServiceName[]) {
    const proxy: Record<string, unknown> = {};
    for (const method of serviceMethods[service]) {
      proxy[method] = (input?: unknown) => transport.invoke(`${service}.${method}`, input);
    }
    for (const event of serviceEvents[service] as readonly string[]) {
      proxy[event] = (listener: (value: unknown) => void) => transport.subscribe(`${service}.${event}`, listener);
    }
    table[service] = proxy;
  }
  return table as unknown as ServiceTable;
}
