import type { Locator, Page } from 'playwright-core';

export type TabName = 'overview' | 'accounts' | 'tracing' | 'playground' | 'docs';

/** Types the admin token into the sign-in form and submits it. */
export async function submitToken(page: Page, token: string): Promise<void> {
  await page.getByTestId('signin-token').fill(token);
  await page.getByTestId('signin-submit').click();
}

/** Clicks a tab in the app bar and waits for its page heading. */
export async function openTab(page: Page, tab: TabName): Promise<void> {
  await page.getByTestId(`tab-${tab}`).click();
  await heading(page)
    .filter({ hasText: new RegExp(`^${tab}$`, 'i') })
    .waitFor();
}

/** The page's main heading (the `h1` of the routed page). */
export function heading(page: Page): Locator {
  return page.locator('main h1');
}

/** Everything a person can read on the page, overlays (dialogs, menus) included. */
export async function visibleText(page: Page): Promise<string> {
  return page.locator('body').innerText();
}

/** Loads a page of the console by URL, e.g. `/accounts?sanitized=1`, and waits for its heading. */
export async function gotoPage(page: Page, baseUrl: string, path: string, title: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await heading(page).filter({ hasText: title }).waitFor();
}

/** Resolves once no "Loading…" notice is left on the page. */
export async function settled(page: Page): Promise<void> {
  await page.getByText('Loading').first().waitFor({ state: 'detached' });
}

/** True when the page can be scrolled sideways, i.e. something is wider than the screen. */
export async function overflowsSideways(page: Page): Promise<boolean> {
  // A string runs in the page: this Node project is compiled without the DOM typings.
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
}
