// The browser the hosted pages are tested in: Debian's Chromium (`apt-get install chromium`; .ci/run
// installs it when missing), driven by playwright-core, which downloads nothing. Accessibility is
// axe-core's check, run inside the page; screenshots go to a git-ignored folder.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where the screenshots are kept: under .local/, git-ignored with the rest of a run's local data. */
export const ARTIFACTS = join('.local', 'test-artifacts', 'pages');

export const VIEWPORTS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
export type Viewport = keyof typeof VIEWPORTS;

export interface RunningBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Chromium, headless, with nothing of its own reaching the network; Playwright gives each launch
 * a fresh profile of its own, deleted when it closes.
 */
export async function launchChromium(): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser suite needs Debian's Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run installs it when missing).`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** A context as a reader in `locale` on a `viewport`-sized screen, failing on any script error or CSP refusal. */
export async function readerContext(browser: Browser, locale: string, viewport: Viewport = 'desktop'): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, viewport: VIEWPORTS[viewport] });
  context.on('page', (page) => watch(page));
  return context;
}

const problems = new WeakMap<Page, string[]>();

function watch(page: Page): void {
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A refused request (4xx) is the browser's console error too: those are the flows' own answers.
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      seen.push(`console: ${message.text()}`);
    }
  });
}

/** Script errors and console errors (a CSP refusal among them) the page has had. */
export const pageProblems = (page: Page): string[] => problems.get(page) ?? [];

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern:
// a <script> tag of it (addScriptTag) is refused by that policy, as it should be.
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations on the page as it is now: `rule: help (where)`. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<unknown[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  );
  return (violations as AxeViolation[]).map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
