export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'kws-studio.theme';

/** Light or dark, following the system until the user picks one, remembered across launches. */
export class ThemeState {
  theme = $state<Theme>('light');

  constructor() {
    const stored = localStorage.getItem(STORAGE_KEY);
    this.theme =
      stored === 'light' || stored === 'dark'
        ? stored
        : matchMedia('(prefers-color-scheme: dark)').matches
          ? 'dark'
          : 'light';
    this.apply();
  }

  toggle(): void {
    this.theme = this.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(STORAGE_KEY, this.theme);
    this.apply();
  }

  private apply(): void {
    document.documentElement.dataset.theme = this.theme;
  }
}
