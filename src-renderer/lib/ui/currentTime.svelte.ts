/**
 * The current time as reactive state, refreshed every `intervalMs` while the calling component
 * lives — enough for "3 min ago" labels without a timer per row. Call during component setup.
 */
export function currentTime(intervalMs = 30_000): { readonly value: number } {
  let now = $state(Date.now());
  $effect(() => {
    const timer = setInterval(() => (now = Date.now()), intervalMs);
    return () => clearInterval(timer);
  });
  return {
    get value() {
      return now;
    },
  };
}
