import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../../src-shared/contract/events.ts';

describe('Emitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('reports a throwing listener to its handler, with the event name, and still calls the others', () => {
    const reports: { error: unknown; name: string | undefined }[] = [];
    const emitter = new Emitter<number>({
      name: 'training.onDidProgress',
      onListenerError: (error, name) => reports.push({ error, name }),
    });
    const seen: string[] = [];
    const broken = new Error('listener broke');
    emitter.event((value) => seen.push(`first ${value}`));
    emitter.event(() => {
      throw broken;
    });
    emitter.event((value) => seen.push(`third ${value}`));

    emitter.fire(7);

    expect(seen).toEqual(['first 7', 'third 7']);
    expect(reports).toEqual([{ error: broken, name: 'training.onDidProgress' }]);
  });

  it('reports to console.error by default instead of swallowing the error', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const emitter = new Emitter<string>({ name: 'project.onDidChangeProject' });
    const broken = new TypeError('cannot read x');
    let after = 0;
    emitter.event(() => {
      throw broken;
    });
    emitter.event(() => after++);

    emitter.fire('a');

    expect(after).toBe(1);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]).toEqual([expect.stringContaining('project.onDidChangeProject'), broken]);
  });

  it('still runs the other listeners and logs both errors when the error handler itself throws', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken = new Error('listener broke');
    const handlerBroken = new Error('handler broke');
    const emitter = new Emitter<number>({
      onListenerError: () => {
        throw handlerBroken;
      },
    });
    let after = 0;
    emitter.event(() => {
      throw broken;
    });
    emitter.event(() => after++);

    emitter.fire(1);

    expect(after).toBe(1);
    expect(logged.mock.calls.map((call) => call[1])).toEqual([handlerBroken, broken]);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const off = emitter.event((value) => seen.push(value));
    emitter.fire(1);
    off();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount).toBe(0);
  });
});
