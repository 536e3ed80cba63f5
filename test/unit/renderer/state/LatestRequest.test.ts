import { describe, expect, it } from 'vitest';
import { LatestRequest } from '../../../../src-renderer/lib/state/LatestRequest.ts';

/** A promise settled by hand, so a test decides which reply arrives first. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('LatestRequest', () => {
  it('marks a ticket stale once a newer request starts, and only then', () => {
    const requests = new LatestRequest();
    const first = requests.next();
    expect(first.stale).toBe(false);
    const second = requests.next();
    expect(first.stale).toBe(true);
    expect(second.stale).toBe(false);
  });

  it('hands out the newest ticket without superseding it, for follow-up calls of the same request', () => {
    const requests = new LatestRequest();
    const query = requests.next();
    const morePages = requests.current();
    expect(query.stale).toBe(false);
    expect(morePages.stale).toBe(false);
    requests.next();
    expect(morePages.stale).toBe(true);
  });

  it('cancel() makes every request in flight stale without starting one', () => {
    const requests = new LatestRequest();
    const open = requests.next();
    requests.cancel();
    expect(open.stale).toBe(true);
    expect(requests.current().stale).toBe(false);
  });

  it('run() drops the older reply when replies arrive out of order', async () => {
    const requests = new LatestRequest();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const older = requests.run(() => slow.promise);
    const newer = requests.run(() => fast.promise);
    fast.resolve('newer');
    slow.resolve('older');
    expect(await newer).toEqual({ stale: false, value: 'newer' });
    expect(await older).toEqual({ stale: true });
  });

  it('run() keeps a reply that arrives before any newer call', async () => {
    const requests = new LatestRequest();
    expect(await requests.run(async () => 42)).toEqual({ stale: false, value: 42 });
    expect(await requests.run(async () => undefined)).toEqual({ stale: false, value: undefined });
  });

  it('run() throws the newest call’s error, and swallows a superseded call’s', async () => {
    const requests = new LatestRequest();
    const slow = deferred<string>();
    const older = requests.run(() => slow.promise);
    const newer = requests.run(() => Promise.reject(new Error('run-7 is gone')));
    slow.reject(new Error('network dropped'));
    await expect(newer).rejects.toThrow('run-7 is gone');
    expect(await older).toEqual({ stale: true });
  });

  it('keeps separate instances independent', () => {
    const detail = new LatestRequest();
    const list = new LatestRequest();
    const ticket = detail.next();
    list.next();
    list.cancel();
    expect(ticket.stale).toBe(false);
  });
});
