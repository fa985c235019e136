import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, requireDashboardBuild, saveScreenshot } from './browser/chromium';
import { gotoPage, heading, openTab, overflowsSideways, settled, submitToken, visibleText } from './browser/dashboard';
import { type Stack, startStack } from './helpers/stack';

// One admin session walks the console the way a person would: each `it` continues where the last one left off.
const EMAIL = 'browser.admin@example.com';
const MASKED_EMAIL = 'b***@e***.com';
const PROMPT = 'hello browser';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('admin console in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let model = '';
  /** The onboarded account's ids as the admin API reports them: sanitized mode must not show these either. */
  let accountIds: string[] = [];

  beforeAll(async () => {
    const dashboardDir = requireDashboardBuild();
    stack = await startStack({ accounts: 0, env: { SERVE_DASHBOARD: 'true', DASHBOARD_DIR: dashboardDir } });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  async function onboardedIds(): Promise<string[]> {
    const res = await fetch(`${stack.baseUrl}/admin/accounts`, { headers: { 'x-admin-token': stack.adminToken } });
    const body = (await res.json()) as { accounts: { id: string; chatgptAccountId?: string | null }[] };
    return body.accounts.flatMap((a) => [a.id, a.chatgptAccountId ?? ''].filter((v) => v !== ''));
  }

  it('asks for the admin token, refuses a wrong one and opens the Overview with the right one', async () => {
    await page.goto(stack.baseUrl);
    await submitToken(page, 'not-the-admin-token-000000000000');
    await page.getByText('This token was not accepted').waitFor();

    await submitToken(page, stack.adminToken);
    await heading(page).filter({ hasText: 'Overview' }).waitFor();
    const tabs = await page.locator('[data-testid^="tab-"]').allInnerTexts();
    expect(tabs.map((t) => t.trim())).toEqual(['Overview', 'Accounts', 'Tracing', 'Playground', 'Docs']);
    await page.getByTestId('pool-capacity').getByText('No accounts').waitFor();
  });

  it('onboards an account through the wizard: login link, emulator login, pasted redirect URL', async () => {
    await openTab(page, 'accounts');
    await page.getByText('No account yet').waitFor();

    await page.getByTestId('add-account').click();
    await page.getByTestId('wizard-email').fill(EMAIL);
    await page.getByTestId('wizard-start').click();
    const href = await page.getByTestId('wizard-login-link').getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?/);

    // The person logs in on the (emulated) OpenAI page and copies the address the browser lands on.
    const login = await fetch(href!, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const redirectUrl = login.headers.get('location') ?? '';
    expect(redirectUrl).toContain('code=');

    await page.getByTestId('wizard-paste').fill(redirectUrl);
    await page.getByTestId('wizard-complete').click();
    const success = page.getByTestId('wizard-success');
    await success.waitFor();
    expect(await success.innerText()).toContain(`Added ${EMAIL}`);
    expect(await page.getByTestId('wizard-error').count()).toBe(0);

    const rows = page.getByTestId('account-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-email')).toBe(EMAIL);
    expect((await rows.first().getByTestId('account-email').innerText()).trim()).toBe(EMAIL);
    accountIds = await onboardedIds();
    expect(accountIds.length).toBeGreaterThan(0);
    expect(await rows.first().innerText()).toContain(accountIds[0]);
  });

  it("shows the new account's 5h and weekly usage bars, filled by the post-login probe", async () => {
    await page.getByTestId('wizard-close').click();
    const bars = page.getByTestId('account-row').first().getByTestId('usage-bar');
    expect(await bars.count()).toBe(2);
    for (const [i, label] of ['5h', 'Weekly'].entries()) {
      const bar = bars.nth(i);
      expect(await bar.getAttribute('data-window')).toBe(label);
      const used = Number(await bar.getAttribute('data-used'));
      expect(Number.isInteger(used)).toBe(true);
      expect(used).toBeGreaterThanOrEqual(0);
      expect(used).toBeLessThanOrEqual(100);
      const text = await bar.innerText();
      expect(text).toContain(`${used}%`);
      expect(text).toContain('resets');
      expect(text).not.toContain('no data yet');
    }
  });

  it('streams a Playground answer through the gateway and shows its tokens', async () => {
    await openTab(page, 'playground');
    const select = page.getByTestId('playground-model');
    // The model list loads from /v1/models; the picker is disabled until it has arrived.
    await page.locator('[data-testid="playground-model"][aria-disabled="false"]').waitFor();
    await select.click();
    const options = page.getByRole('option');
    await options.first().waitFor();
    const names = (await options.allInnerTexts()).map((n) => n.trim());
    expect(names.length).toBeGreaterThan(0);
    // Not the pre-selected first model, so the pick itself is exercised when there is a choice.
    model = names[names.length > 1 ? 1 : 0]!;
    await page.getByRole('option', { name: model, exact: true }).click();
    await options.first().waitFor({ state: 'detached' });
    await select.getByText(model, { exact: true }).waitFor();

    await page.getByTestId('playground-prompt').fill(PROMPT);
    await page.getByTestId('playground-send').click();
    const answer = page.locator('[data-testid="playground-answer"]:not([data-streaming])');
    await answer.waitFor();
    expect((await answer.innerText()).trim()).toBe(`echo: ${PROMPT}`);
    expect(await page.getByTestId('playground-error').count()).toBe(0);
    expect(await page.getByTestId('playground-tokens').innerText()).toMatch(/\d+ in · \d+ out · \d+ tokens/);

    // The conversation stays on screen when sanitized mode is switched on: the gallery's Playground picture.
    await page.getByTestId('toggle-sanitized').click();
    await page.waitForURL(/sanitized=1/);
    expect((await page.getByTestId('toggle-sanitized').innerText()).trim()).toBe('Sanitized');
    expect((await answer.innerText()).trim()).toBe(`echo: ${PROMPT}`);
    await saveScreenshot(page, 'playground');
  });

  it('finds the request in Tracing and opens its detail with the account, tokens and payload', async () => {
    await gotoPage(page, stack.baseUrl, '/tracing', 'Tracing');
    const row = page.getByTestId('trace-row').filter({ hasText: '/v1/chat/completions' });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    const rowText = await row.first().innerText();
    expect(rowText).toContain(model);
    expect(rowText).toContain(EMAIL);
    expect(rowText).toContain('200');

    await row.first().click();
    const detail = page.getByTestId('trace-detail');
    await detail.getByText('POST /v1/chat/completions').waitFor();
    const detailText = await detail.innerText();
    expect(detailText).toContain(EMAIL);
    expect(detailText).toMatch(/Stream\s+yes/);
    expect(detailText).toMatch(/Finish reason\s+stop/);
    expect(Number((await detail.getByTestId('trace-tokens').innerText()).replace(/\D/g, ''))).toBeGreaterThan(0);
    expect(await detail.getByTestId('trace-payload').innerText()).toContain(PROMPT);
    await page.getByTestId('trace-detail-close').click();
    await detail.waitFor({ state: 'detached' });
  });

  it('hides the email on every page in sanitized mode and shows its masked form', async () => {
    const pages: [string, string][] = [
      ['/overview', 'Overview'],
      ['/accounts', 'Accounts'],
      ['/tracing', 'Tracing'],
      ['/docs', 'Docs'],
    ];
    for (const [path, title] of pages) {
      await gotoPage(page, stack.baseUrl, `${path}?sanitized=1`, title);
      await settled(page);
      if (path === '/overview') await page.locator('mcp-chart canvas').first().waitFor();
      if (path === '/tracing') {
        expect(await page.getByTestId('trace-row').first().innerText()).toContain(MASKED_EMAIL);
      }
      if (path === '/accounts') {
        expect((await page.getByTestId('account-email').innerText()).trim()).toBe(MASKED_EMAIL);
      }
      expect(await visibleText(page)).not.toContain(EMAIL);
      const html = await page.content();
      expect(html).not.toContain(EMAIL);
      for (const id of accountIds) expect(html).not.toContain(id);
      await saveScreenshot(page, title.toLowerCase());
    }

    await gotoPage(page, stack.baseUrl, '/tracing?sanitized=1', 'Tracing');
    await page.getByTestId('trace-row').first().click();
    const detail = page.getByTestId('trace-detail');
    await detail.getByText('POST /v1/chat/completions').waitFor();
    const detailText = await detail.innerText();
    expect(detailText).toContain(MASKED_EMAIL);
    expect(detailText).not.toContain(EMAIL);
    for (const id of accountIds) expect(detailText).not.toContain(id);
    await saveScreenshot(page, 'trace-detail', false);
    await page.getByTestId('trace-detail-close').click();
  });

  it('fits the Accounts page on a phone screen without sideways scrolling', async () => {
    await page.setViewportSize(PHONE);
    await gotoPage(page, stack.baseUrl, '/accounts?sanitized=1', 'Accounts');
    await settled(page);
    const card = page.getByTestId('account-row').first();
    expect((await card.getByTestId('account-email').innerText()).trim()).toBe(MASKED_EMAIL);
    expect(await card.getByTestId('usage-bar').count()).toBe(2);
    expect(await page.getByTestId('add-account').isVisible()).toBe(true);
    expect(await overflowsSideways(page)).toBe(false);
    await saveScreenshot(page, 'accounts-phone');
  });
});
