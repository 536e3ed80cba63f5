import { describe, expect, it } from 'vitest';
import { compareLinkParams, parseCompareLink } from '../../src-renderer/lib/state/compareLink.ts';
import { formatRoute, parseRoute } from '../../src-renderer/lib/state/route.ts';

describe('the location hash', () => {
  it('names a page and its parameters, with run lists left readable', () => {
    const hash = formatRoute({ page: 'compare', params: { runs: 'run-a,run-b', baseline: 'run-b', empty: '' } });
    expect(hash).toBe('#/compare?runs=run-a,run-b&baseline=run-b');
    expect(parseRoute(hash)).toEqual({ page: 'compare', params: { runs: 'run-a,run-b', baseline: 'run-b' } });
    expect(formatRoute({ page: 'library', params: {} })).toBe('#/library');
  });

  it('escapes what needs it and survives a mangled address', () => {
    const hash = formatRoute({ page: 'runs', params: { q: 'a&b=c d' } });
    expect(parseRoute(hash)).toEqual({ page: 'runs', params: { q: 'a&b=c d' } });
    expect(parseRoute('#/compare?runs=%E0%A4%A&sweep=s1')).toEqual({ page: 'compare', params: { sweep: 's1' } });
  });

  it('names no route for hashes of other kinds or unknown pages', () => {
    for (const hash of ['', '#', '#section', '#/nowhere', '#/Library']) expect(parseRoute(hash), hash).toBeNull();
  });
});

describe('the Compare page address', () => {
  it('records the runs, and the baseline only when it is not the first', () => {
    expect(compareLinkParams({ view: 'runs', runIds: ['a', 'b'], baselineRunId: 'a' })).toEqual({
      runs: 'a,b',
      baseline: '',
    });
    expect(compareLinkParams({ view: 'runs', runIds: ['a', 'b'], baselineRunId: 'b' })).toEqual({
      runs: 'a,b',
      baseline: 'b',
    });
    expect(compareLinkParams({ view: 'sweep', sweepId: 's1' })).toEqual({ sweep: 's1' });
  });

  it('reads back distinct runs, at most the page’s limit, with a baseline among them', () => {
    expect(parseCompareLink({ runs: 'a,b,a,,c', baseline: 'z' }, 2)).toEqual({
      view: 'runs',
      runIds: ['a', 'b'],
      baselineRunId: 'a',
    });
    expect(parseCompareLink({ runs: 'a,b', baseline: 'b' }, 8)).toEqual({
      view: 'runs',
      runIds: ['a', 'b'],
      baselineRunId: 'b',
    });
    expect(parseCompareLink({ sweep: 's1', runs: 'a' }, 8)).toEqual({ view: 'sweep', sweepId: 's1' });
    expect(parseCompareLink({}, 8)).toBeNull();
  });
});
