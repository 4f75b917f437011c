export const themes = ['light', 'dark', 'system'] as const;
export type Theme = (typeof themes)[number];

export const themeCookieName = 'theme';

export function parseTheme(value: string | undefined): Theme {
	return themes.find((theme) => theme === value) ?? 'system';
}

/** The class on <html>; none follows the system (app.css). */
export function themeClass(theme: Theme): string {
	return theme === 'system' ? '' : theme;
}
