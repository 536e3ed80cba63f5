import { Emitter } from '../../../src-shared/contract/events.ts';
import { formatRoute, homeRoute, parseRoute, type Page, type Route } from './route.ts';

type RouteWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;

/**
 * The page on screen, kept in the location hash so a reload, a bookmark or Back shows the same
 * thing. A change of page is a history entry; a page's own parameters (the compared runs) replace
 * the entry as they change, so Back leaves the page rather than stepping through its clicks.
 */
export class HashRouter {
  route = $state.raw<Route>(homeRoute);
  private readonly navigated = new Emitter<Route>();
  /** Navigation from outside the studio's own calls (Back, Forward, an edited address). */
  readonly onDidNavigate = this.navigated.event;

  constructor(private readonly window: RouteWindow = globalThis.window) {
    this.route = parseRoute(window.location.hash) ?? homeRoute;
  }

  /** Follows Back, Forward and addresses typed or pasted while the studio is open; call once. */
  start(): () => void {
    const follow = () => {
      const route = parseRoute(this.window.location.hash) ?? homeRoute;
      if (formatRoute(route) === formatRoute(this.route)) return;
      this.route = route;
      this.navigated.fire(route);
    };
    this.window.addEventListener('hashchange', follow);
    this.window.addEventListener('popstate', follow);
    return () => {
      this.window.removeEventListener('hashchange', follow);
      this.window.removeEventListener('popstate', follow);
    };
  }

  /** Shows a page as a new history entry; the page on screen stays as it is. */
  go(page: Page): void {
    if (page === this.route.page) return;
    this.route = { page, params: {} };
    this.window.history.pushState(null, '', formatRoute(this.route));
  }

  /** Records the parameters of the page on screen in its history entry; a page not on screen writes nothing. */
  setParams(page: Page, params: Record<string, string>): void {
    if (page !== this.route.page) return;
    const route = { page, params };
    if (formatRoute(route) === formatRoute(this.route)) return;
    this.route = route;
    this.window.history.replaceState(null, '', formatRoute(route));
  }
}
