export const pages = ['library', 'features', 'train', 'sweeps', 'runs', 'compare', 'diagnostics'] as const;
export type Page = (typeof pages)[number];

/** Where the studio is: a page and that page's own parameters, as the location hash holds them (`#/compare?runs=a,b`). */
export interface Route {
  page: Page;
  params: Record<string, string>;
}

export const homeRoute: Route = { page: 'library', params: {} };

/** The route a location hash names, or null when it names none (empty, or from elsewhere). */
export function parseRoute(hash: string): Route | null {
  const match = /^#\/([a-z]+)(?:\?(.*))?$/.exec(hash);
  const page = pages.find((name) => name === match?.[1]);
  if (!match || !page) return null;
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? '').split('&')) {
    const [key, value = ''] = pair.split('=', 2);
    if (!key) continue;
    try {
      params[decodeURIComponent(key)] = decodeURIComponent(value);
    } catch {
      // A mangled escape (a hand-edited address) drops that parameter, not the page.
    }
  }
  return { page, params };
}

/** The location hash of a route; commas stay readable, as lists of run ids use them. Empty parameters are left out. */
export function formatRoute({ page, params }: Route): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%2C/gi, ',');
  const query = Object.entries(params)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
  return `#/${page}${query ? `?${query}` : ''}`;
}
