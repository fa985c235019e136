import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { AccountView } from '@mcp/contracts';
import { OAUTH_MESSAGES } from './oauth-errors';
import { OnboardingWizard } from './onboarding-wizard';

const ACCOUNT = { id: 'acc_new', email: 'dev@example.com', planType: 'plus' } as AccountView;
const REDIRECT = 'http://localhost:1455/auth/callback';

describe('OnboardingWizard', () => {
  let fixture: ComponentFixture<OnboardingWizard>;
  let element: HTMLElement;
  let backend: HttpTestingController;
  let completed: AccountView[];

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    backend = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(OnboardingWizard);
    element = fixture.nativeElement as HTMLElement;
    completed = [];
    fixture.componentInstance.completed.subscribe((account) => completed.push(account));
  });

  afterEach(() => {
    backend.verify();
    jest.useRealTimers();
  });

  const byId = <T extends HTMLElement>(id: string) => element.querySelector<T>(`[data-testid="${id}"]`);

  function type(id: string, value: string): void {
    const field = byId<HTMLInputElement | HTMLTextAreaElement>(id)!;
    field.value = value;
    field.dispatchEvent(new Event('input'));
    fixture.detectChanges();
  }

  function click(id: string): void {
    byId<HTMLButtonElement>(id)!.click();
    fixture.detectChanges();
  }

  function chooseDevice(): void {
    // The toggle's host carries the test id; its inner button is what a user clicks.
    byId<HTMLElement>('wizard-method-device')!.querySelector('button')!.click();
    fixture.detectChanges();
  }

  function startBrowserFlow(): void {
    fixture.detectChanges();
    type('wizard-email', 'dev@example.com');
    click('wizard-start');
    const start = backend.expectOne('/admin/oauth/start');
    expect(start.request.body).toEqual({ email: 'dev@example.com', accountId: undefined, method: 'browser' });
    start.flush({
      ok: true,
      flowId: 'flow-1',
      method: 'browser',
      authorizeUrl: 'https://auth.example/authorize?state=flow-1',
      expectedRedirectUri: REDIRECT,
      expiresAt: Date.now() + 900_000,
    });
    fixture.detectChanges();
  }

  it('walks from the email to the login link, then completes with the pasted redirect URL', () => {
    startBrowserFlow();
    const link = byId<HTMLAnchorElement>('wizard-login-link')!;
    expect(link.href).toBe('https://auth.example/authorize?state=flow-1');
    expect(link.target).toBe('_blank');
    expect(element.textContent).toContain(REDIRECT);

    type('wizard-paste', `${REDIRECT}?code=abc&state=flow-1`);
    click('wizard-complete');
    const complete = backend.expectOne('/admin/oauth/complete');
    expect(complete.request.body).toEqual({ flowId: 'flow-1', input: `${REDIRECT}?code=abc&state=flow-1` });
    complete.flush({ ok: true, account: ACCOUNT, warning: 'The login was for dev@example.com, not the typed email.' });
    fixture.detectChanges();

    expect(byId('wizard-success')!.textContent).toContain('dev@example.com');
    expect(byId('wizard-warning')!.textContent).toContain('not the typed email');
    expect(completed).toEqual([ACCOUNT]);
  });

  it('explains a redirect URL from another attempt and lets the user paste again', () => {
    startBrowserFlow();
    type('wizard-paste', `${REDIRECT}?code=abc&state=other`);
    click('wizard-complete');
    backend
      .expectOne('/admin/oauth/complete')
      .flush(
        { statusCode: 400, message: 'state mismatch', error: 'Bad Request' },
        { status: 400, statusText: 'Bad Request' },
      );
    fixture.detectChanges();
    expect(byId('wizard-error')!.textContent).toContain(OAUTH_MESSAGES.stateMismatch);
    expect(byId('wizard-paste')).not.toBeNull();
    expect(completed).toEqual([]);
  });

  it('catches a refused login in the pasted URL without calling the server', () => {
    startBrowserFlow();
    type('wizard-paste', `${REDIRECT}?error=access_denied&state=flow-1`);
    click('wizard-complete');
    backend.expectNone('/admin/oauth/complete');
    expect(byId('wizard-error')!.textContent).toContain(OAUTH_MESSAGES.accessDenied);
  });

  it('re-logs an account in by sending its id', () => {
    fixture.componentRef.setInput('target', { ...ACCOUNT, status: 'needs_reauth' });
    fixture.detectChanges();
    expect(byId<HTMLInputElement>('wizard-email')!.value).toBe('dev@example.com');
    click('wizard-start');
    const start = backend.expectOne('/admin/oauth/start');
    expect(start.request.body).toEqual({ email: 'dev@example.com', accountId: 'acc_new', method: 'browser' });
    start.flush({ statusCode: 404, message: 'account not found' }, { status: 404, statusText: 'Not Found' });
    fixture.detectChanges();
    expect(byId('wizard-error')!.textContent).toContain(OAUTH_MESSAGES.unknownAccount);
  });

  it('shows the device code and polls every interval until the login is approved', () => {
    jest.useFakeTimers();
    fixture.detectChanges();
    chooseDevice();
    click('wizard-start');
    const start = backend.expectOne('/admin/oauth/start');
    expect(start.request.body.method).toBe('device');
    start.flush({
      ok: true,
      flowId: 'dev-1',
      method: 'device',
      userCode: 'ABCD-1234',
      verificationUrl: 'https://auth.example/device',
      intervalSeconds: 5,
      expiresAt: Date.now() + 900_000,
    });
    fixture.detectChanges();
    expect(byId('wizard-device-code')!.textContent).toContain('ABCD-1234');

    jest.advanceTimersByTime(4_999);
    backend.expectNone('/admin/oauth/device/poll');
    jest.advanceTimersByTime(1);
    backend.expectOne('/admin/oauth/device/poll').flush({ ok: true, status: 'pending', intervalSeconds: 10 });

    jest.advanceTimersByTime(9_999);
    backend.expectNone('/admin/oauth/device/poll');
    jest.advanceTimersByTime(1);
    const poll = backend.expectOne('/admin/oauth/device/poll');
    expect(poll.request.body).toEqual({ flowId: 'dev-1' });
    poll.flush({ ok: true, status: 'success', account: ACCOUNT });
    fixture.detectChanges();

    expect(byId('wizard-success')).not.toBeNull();
    expect(completed).toEqual([ACCOUNT]);
    jest.advanceTimersByTime(60_000);
    backend.expectNone('/admin/oauth/device/poll');
  });

  it('stops polling and says so when the device code expires', () => {
    jest.useFakeTimers();
    fixture.detectChanges();
    chooseDevice();
    click('wizard-start');
    backend.expectOne('/admin/oauth/start').flush({
      ok: true,
      flowId: 'dev-2',
      method: 'device',
      userCode: 'WXYZ',
      verificationUrl: 'https://auth.example/device',
      intervalSeconds: 1,
      expiresAt: Date.now() + 1000,
    });
    jest.advanceTimersByTime(1000);
    backend
      .expectOne('/admin/oauth/device/poll')
      .flush({ statusCode: 410, message: 'expired' }, { status: 410, statusText: 'Gone' });
    fixture.detectChanges();
    expect(byId('wizard-error')!.textContent).toContain(OAUTH_MESSAGES.expired);
    jest.advanceTimersByTime(10_000);
    backend.expectNone('/admin/oauth/device/poll');
  });
});
