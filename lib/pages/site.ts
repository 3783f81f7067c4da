// The hosted account pages (README, "Hosted pages"): which pages there are, by the path under the
// mount (infra/pages.cjs) they answer at. Read by the function that serves them and by the pages'
// script, which renders the page its HTML names.
export const PAGES = {
  home: '',
  signup: 'signup',
  login: 'login',
  reset: 'reset',
  account: 'me',
} as const;

export type PageName = keyof typeof PAGES;

/** Where the pages' files are, under the mount. */
export const ASSET_DIR = 'assets';

/** The page a path under the mount names (`login`, `login/`), or undefined. */
export function pageAt(subPath: string): PageName | undefined {
  const trimmed = subPath.replace(/^\/+|\/+$/g, '');
  return (Object.keys(PAGES) as PageName[]).find((name) => PAGES[name] === trimmed);
}
