import type { Environment } from 'vitest/environments';

/**
 * Node, with modules transformed as for the browser: the Svelte plugin then compiles `*.svelte.ts`
 * state classes and tests for the client, so `$state`, `$derived` and `$effect` behave as in the app
 * (Node's own transform would compile them for server rendering, where effects never run).
 */
export default {
  name: 'svelte-client',
  viteEnvironment: 'client',
  setup() {
    return { teardown() {} };
  },
} satisfies Environment;
