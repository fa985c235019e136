import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

/** The repository root, from apps/proxy/test/browser. */
export const REPO_ROOT = resolve(__dirname, '../../../..');
export const DASHBOARD_DIR = join(REPO_ROOT, 'dist/apps/dashboard/browser');
export const ARTIFACT_DIR = join(REPO_ROOT, 'test-artifacts/screenshots');
export const GALLERY_DIR = join(REPO_ROOT, 'docs/screenshots');

/** Debian's Chromium; the tests never download a browser of their own. */
const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// Quiet, offline, sandbox-free: the only network the tests have is loopback.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails with the fix in the message when the built dashboard is not there. */
export function requireDashboardBuild(): string {
  if (!existsSync(join(DASHBOARD_DIR, 'index.html'))) {
    throw new Error(
      `The built dashboard is missing (${DASHBOARD_DIR}/index.html). Run \`npm run build\` ` +
        '(or `npx ng build dashboard`) first; `npm test` builds it before Jest runs.',
    );
  }
  return DASHBOARD_DIR;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Saves a PNG of the page as a test artifact and, when UPDATE_SCREENSHOTS=1 (`npm run screenshots`) and
 * `gallery` is not false, copies it into the README's gallery. Returns the artifact path.
 */
export async function saveScreenshot(page: Page, name: string, gallery = true): Promise<string> {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const artifact = join(ARTIFACT_DIR, `${name}.png`);
  // The pointer rests off the content, so no hover state or tooltip from the last click ends up in the picture.
  await page.mouse.move(0, (page.viewportSize()?.height ?? 800) - 1);
  await page.locator('.mat-mdc-tooltip').waitFor({ state: 'detached' });
  // Transitions (tab ink bar, dialogs, ripples) run to their end so the picture is not mid-motion; endless ones
  // (spinners, indeterminate bars) would never end and are left running. The charts draw without animation.
  // A string because it runs in the page: the Node-side tsconfig has no DOM types.
  await page.waitForFunction(
    "document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity)",
  );
  await page.screenshot({ path: artifact, type: 'png' });
  // Only on request: the pictures change every run (times, ports), and a test run should not dirty the tree.
  if (!gallery || process.env.UPDATE_SCREENSHOTS !== '1') return artifact;
  mkdirSync(GALLERY_DIR, { recursive: true });
  copyFileSync(artifact, join(GALLERY_DIR, `${name}.png`));
  return artifact;
}
