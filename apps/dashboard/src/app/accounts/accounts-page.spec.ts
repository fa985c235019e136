import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { Sanitizer } from '../core/sanitizer';
import { accountView } from '../../testing/builders';
import { AccountsPage } from './accounts-page';

describe('AccountsPage', () => {
  let fixture: ComponentFixture<AccountsPage>;
  let backend: HttpTestingController;
  let element: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      // Without animations the dialog closes at once instead of waiting for an animationend jsdom never fires.
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
  });

  async function render(): Promise<void> {
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AccountsPage);
    fixture.detectChanges();
    backend.expectOne('/admin/accounts').flush({
      accounts: [
        accountView('acc_b', { email: 'bob@example.com', priority: 1 }),
        accountView('acc_a', { email: 'alice@example.com', priority: 0 }),
      ],
    });
    await fixture.whenStable();
    element = fixture.nativeElement as HTMLElement;
  }

  afterEach(() => {
    backend.verify();
    document.querySelector('.cdk-overlay-container')?.remove();
  });

  const rows = () => [...element.querySelectorAll<HTMLElement>('[data-testid="account-row"]')];

  it('lists accounts by priority with their emails and usage bars', async () => {
    await render();
    expect(rows().map((row) => row.querySelector('[data-testid="account-email"]')!.textContent!.trim())).toEqual([
      'alice@example.com',
      'bob@example.com',
    ]);
    expect(rows()[0]!.querySelectorAll('[data-testid="usage-bar"]')).toHaveLength(2);
  });

  it('hides emails in sanitized mode', async () => {
    TestBed.inject(Sanitizer).followUrl('/accounts?sanitized=1');
    await render();
    expect(element.textContent).not.toContain('alice@example.com');
    expect(rows()[0]!.getAttribute('data-email')).toBe('a***@e***.com');
  });

  it('saves an edited priority with a PATCH and shows the result', async () => {
    await render();
    const input = rows()[1]!.querySelector<HTMLInputElement>('[data-testid="account-priority"]')!;
    input.value = '-2';
    input.dispatchEvent(new Event('change'));
    const patch = backend.expectOne('/admin/accounts/acc_b');
    expect(patch.request.method).toBe('PATCH');
    expect(patch.request.body).toEqual({ priority: -2 });
    patch.flush({ ok: true, account: accountView('acc_b', { email: 'bob@example.com', priority: -2 }) });
    await fixture.whenStable();
    expect(rows()[0]!.getAttribute('data-email')).toBe('bob@example.com');
  });

  it('refuses a priority that is not a whole number without calling the server', async () => {
    await render();
    const input = rows()[0]!.querySelector<HTMLInputElement>('[data-testid="account-priority"]')!;
    input.value = '1.5';
    input.dispatchEvent(new Event('change'));
    backend.expectNone('/admin/accounts/acc_a');
    expect(input.value).toBe('0');
  });

  it('deletes an account only after confirmation', async () => {
    await render();
    rows()[0]!.querySelector<HTMLButtonElement>('[data-testid="account-delete"]')!.click();
    await fixture.whenStable();
    const confirm = document.querySelector<HTMLButtonElement>('[data-testid="confirm-accept"]');
    expect(confirm).not.toBeNull();
    expect(document.querySelector('mcp-confirm-dialog')!.textContent).toContain('alice@example.com');
    confirm!.click();
    await fixture.whenStable();
    backend.expectOne({ method: 'DELETE', url: '/admin/accounts/acc_a' }).flush({ ok: true });
    await fixture.whenStable();
    expect(rows()).toHaveLength(1);
  });
});
