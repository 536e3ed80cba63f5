/** The theme's colours, read from its CSS variables, for what draws on a canvas (charts follow light and dark). */
export function themeColors(): { accent: string; muted: string; border: string; text: string; warn: string } {
  const styles = getComputedStyle(document.documentElement);
  const read = (name: string) => styles.getPropertyValue(name).trim();
  return {
    accent: read('--accent'),
    muted: read('--muted'),
    border: read('--border'),
    text: read('--text'),
    warn: read('--warn'),
  };
}
