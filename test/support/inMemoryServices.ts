import { serviceEvents, serviceMethods } from '../../src-shared/contract/channels.ts';
import { createClient, type ClientTransport } from '../../src-shared/contract/createClient.ts';
import { createDispatcher } from '../../src-shared/contract/dispatch.ts';
import { Emitter } from '../../src-shared/contract/events.ts';
import type { ServiceName, ServiceTable } from '../../src-shared/contract/ServiceTable.ts';
import { StudioError } from '../../src-shared/contract/StudioError.ts';

/** Some services of the table, each with some of its members: what a test's fakes implement. */
export type PartialServices = { [S in ServiceName]?: Partial<ServiceTable[S]> };

export interface ServiceCall {
  /** `service.method`, e.g. `runs.queryRuns`. */
  channel: string;
  /** The input as the state sent it. */
  input: unknown;
}

/** Replies of one channel held back until the test lets them through: a slow answer that arrives late. */
export interface HeldReplies {
  /** Calls whose replies are waiting, in call order. */
  readonly waiting: readonly ServiceCall[];
  /** Lets the reply of the waiting call at `index` (call order, default the oldest) through, then lets the state take it. */
  release(index?: number): Promise<void>;
  /** Lets every waiting reply through in call order, then stops holding. */
  releaseAll(): Promise<void>;
}

export interface InMemoryServices {
  /** The client the state under test gets: the real typed proxy over the real dispatcher. */
  services: ServiceTable;
  /** Every call that reached a service, in order. */
  calls: ServiceCall[];
  /** The inputs of the calls to one channel, in order. */
  inputs(channel: string): unknown[];
  /** Holds the replies of one channel from now on; the services still answer at once, the replies wait. */
  hold(channel: string): HeldReplies;
}

// Captured before any test fakes the timers: waiting for the state must not depend on fake time.
const realSetTimeout = globalThis.setTimeout;

/**
 * Lets every reply already on its way reach the state: replies, the state's `await`s and its
 * follow-up work are promise callbacks, all run before the next turn of the event loop.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, 0));
}

/**
 * The studio's service table in memory, served through the real dispatcher and client pair, so a
 * state class under test talks to it exactly as to the app's transports: channels are allow-listed,
 * every input is parsed against the contract's schema (a state sending a bad input fails the test
 * with `invalid_input`), and inputs, replies and events are copied as a wire would copy them, so no
 * object is shared between the state and the fakes. The fakes implement what the state needs; any
 * other method fails with an error naming it, and every event the contract lists can be subscribed.
 */
export function inMemoryServices(fakes: PartialServices): InMemoryServices {
  const table = {} as Record<ServiceName, Record<string, unknown>>;
  for (const service of Object.keys(serviceMethods) as ServiceName[]) {
    const fake = (fakes[service] ?? {}) as Record<string, unknown>;
    const members: Record<string, unknown> = {};
    for (const method of serviceMethods[service]) {
      // Looked up at each call, so a test can swap a fake's method (a disk that fills up midway).
      members[method] = (input: unknown) => {
        const implemented = fake[method];
        if (typeof implemented !== 'function') {
          return Promise.reject(
            new StudioError('unsupported', `${service}.${method} is not served by this in-memory table.`),
          );
        }
        return implemented.call(fake, input) as Promise<unknown>;
      };
    }
    for (const event of serviceEvents[service] as readonly string[]) {
      const implemented = fake[event];
      members[event] = typeof implemented === 'function' ? implemented.bind(fake) : new Emitter<unknown>().event;
    }
    table[service] = members;
  }
  const dispatcher = createDispatcher(table as unknown as ServiceTable);
  const calls: ServiceCall[] = [];
  const holders = new Map<string, (call: ServiceCall, reply: Promise<unknown>) => Promise<unknown>>();

  const transport: ClientTransport = {
    invoke(channel, input) {
      const call: ServiceCall = { channel, input: copy(input) };
      const reply = dispatcher.call(channel, call.input).then(copy);
      calls.push(call);
      const holder = holders.get(channel);
      return holder ? holder(call, reply) : reply;
    },
    subscribe(channel, listener) {
      return dispatcher.subscribe(channel, (value) => listener(copy(value)));
    },
  };

  function hold(channel: string): HeldReplies {
    const waiting: { call: ServiceCall; reply: Promise<unknown>; pass: () => void }[] = [];
    holders.set(channel, (call, reply) => {
      // A refusal waits like an answer; it is the state's to handle once let through.
      reply.catch(() => undefined);
      return new Promise((resolve, reject) => {
        waiting.push({ call, reply, pass: () => reply.then(resolve, reject) });
      });
    });
    const release = async (index = 0) => {
      const entry = waiting[index];
      if (!entry) throw new Error(`No reply of ${channel} is waiting at ${index} (${waiting.length} waiting).`);
      waiting.splice(index, 1);
      entry.pass();
      await entry.reply.catch(() => undefined);
      await settle();
    };
    return {
      get waiting() {
        return waiting.map((entry) => entry.call);
      },
      release,
      async releaseAll() {
        holders.delete(channel);
        while (waiting.length > 0) await release(0);
      },
    };
  }

  return {
    services: createClient(transport),
    calls,
    inputs: (channel) => calls.filter((call) => call.channel === channel).map((call) => call.input),
    hold,
  };
}

/** What crosses a wire is a copy: the state and the fakes never share an object. */
function copy<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}
