import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
  type Route,
} from 'playwright-core';
import { REPO_ROOT } from '../helpers/collector.js';

/** Debian's Chromium, installed by scripts/install-chromium.sh. */
export const CHROMIUM = process.env.AIOBS_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored by `.aiobs-*`). */
export const ARTIFACTS = join(REPO_ROOT, '.aiobs-artifacts', 'dashboard');

/** Throws a clear message when Chromium is missing, instead of a launch stack trace. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} not found: the dashboard browser tests need Debian's chromium. Install it with ` +
        '`sudo scripts/install-chromium.sh` (or set AIOBS_CHROMIUM to a Chromium binary).',
    );
}

/**
 * A headless Chromium with a fresh profile; `close()` removes the profile. `timezoneId` and
 * `locale` put the browser somewhere else than this machine (UTC times must not move).
 */
export async function launchBrowser(place: { timezoneId?: string; locale?: string } = {}): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'aiobs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...place,
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
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
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Problems a page showed: console errors, uncaught exceptions, failed or 4xx/5xx requests. */
export interface PageProblems {
  list: string[];
  /** Responses that are expected (e.g. the 401 of a signed-out session check). */
  allow(pattern: RegExp): void;
}

/** Records everything that went wrong on `page` from now on. */
export function watchProblems(page: Page): PageProblems {
  const list: string[] = [];
  const allowed: RegExp[] = [];
  const ok = (s: string) => allowed.some((r) => r.test(s));
  page.on('console', (m) => {
    if (m.type() === 'error' && !ok(m.text())) list.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => list.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Requests aborted by navigation or by TanStack Query cancelling a superseded fetch are not failures.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      list.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    const line = `${r.status()} ${r.request().method()} ${r.url()}`;
    if (r.status() >= 400 && !ok(line)) list.push(`http: ${line}`);
  });
  return { list, allow: (p) => allowed.push(p) };
}

/** A computed CSS property of the element `locator` points at (`paddingLeft`, `backgroundImage`). */
export function cssValue(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    // Runs in the page; the tests compile without the DOM library.
    (e, p) =>
      (
        globalThis as unknown as {
          getComputedStyle(el: unknown): Record<string, string>;
        }
      ).getComputedStyle(e)[p]!,
    property,
  );
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the current page. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') allows.
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{
              id: string;
              impact: string;
              help: string;
              nodes: Array<{ target: unknown }>;
            }>;
          }>;
        };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return results
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))})`,
    );
}

/**
 * Saves a full-page screenshot under {@link ARTIFACTS}. Chart panels below the fold are drawn
 * only once scrolled to (dashboard when-visible.tsx): the page is scrolled through first, so
 * the screenshot shows them drawn rather than as grey boxes.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A string: this package's types have no DOM.
  await page.evaluate(`(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await frame();
    }
    scrollTo(0, 0);
    await frame();
  })()`);
  await page.locator('.not-drawn').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs `page` in with the collector's admin token through the sign-in form's token option. */
export async function signIn(page: Page, url: string, adminToken: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByRole('button', { name: 'Sign in with a token' }).click();
  await page.getByLabel('Token', { exact: true }).fill(adminToken);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/** Signs `page` in with a user's email and password (the sign-in form's default). */
export async function signInWithPassword(
  page: Page,
  url: string,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/**
 * Holds every request of `page` whose URL matches `pattern` until the returned function is
 * called; that releases them and stops holding (for a page's loading state).
 */
export async function holdRequests(page: Page, pattern: RegExp): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  const going: Promise<void>[] = [];
  const handler = (route: Route) => {
    const on = held.then(() => route.continue());
    going.push(on);
    return on;
  };
  await page.route(pattern, handler);
  return async () => {
    release();
    // Once the held requests have gone on: a handler must not outlive the test.
    await Promise.all(going);
    await page.unroute(pattern, handler);
  };
}
