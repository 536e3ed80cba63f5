import type { z } from 'zod';
import { serviceEvents, serviceMethods, splitChannel } from './channels.ts';
import { inputSchemas } from './inputSchemas.ts';
import type { ServiceTable } from './ServiceTable.ts';
import { StudioError } from './StudioError.ts';
import type { Event } from './events.ts';

/** What a transport needs from the service table: calls by channel name, subscriptions by channel name. */
export interface Dispatcher {
  call(channel: string, input: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (value: unknown) => void): () => void;
}

/**
 * Wraps the service table for a transport. Only allow-listed channels get through, and every
 * input is parsed against its schema first, so a service never sees an unchecked value.
 */
export function createDispatcher(services: ServiceTable): Dispatcher {
  return {
    async call(channel, input) {
      const parts = splitChannel(channel);
      const methods: readonly string[] | undefined = parts && serviceMethods[parts[0]];
      if (!parts || !methods?.includes(parts[1])) {
        throw new StudioError('unknown_channel', `Unknown channel "${channel}".`);
      }
      const [serviceName, method] = parts;
      const schemas = inputSchemas[serviceName] as Record<string, z.ZodType>;
      const parsed = schemas[method]!.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues
          .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
          .join('; ');
        throw new StudioError('invalid_input', `Invalid input for ${channel}: ${issues}`);
      }
      const service = services[serviceName] as unknown as Record<string, (arg: unknown) => Promise<unknown>>;
      return service[method]!.call(service, parsed.data);
    },

    subscribe(channel, listener) {
      const parts = splitChannel(channel);
      const events: readonly string[] | undefined = parts && serviceEvents[parts[0]];
      if (!parts || !events?.includes(parts[1])) {
        throw new StudioError('unknown_channel', `Unknown event channel "${channel}".`);
      }
      const service = services[parts[0]] as unknown as Record<string, Event<unknown>>;
      return service[parts[1]]!(listener);
    },
  };
}
