import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { authInterceptor } from './auth-interceptor';
import { AuthStore } from './auth-store';
import { SignIn } from './sign-in';

describe('SignIn', () => {
  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
  });

  async function submit(token: string) {
    const backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(SignIn);
    backend.expectOne({ method: 'GET', url: '/admin/session' }).flush({ authenticated: false });
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const input = element.querySelector<HTMLInputElement>('[data-testid="signin-token"]')!;
    input.value = token;
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="signin-submit"]')!.click();
    return { fixture, element, backend };
  }

  it('trades the token for the session cookie and keeps nothing itself', async () => {
    const { backend } = await submit('  my-token ');
    const request = backend.expectOne({ method: 'POST', url: '/admin/session' });
    expect(request.request.body).toEqual({ token: 'my-token' });
    request.flush({ authenticated: true });
    expect(TestBed.inject(AuthStore).signedIn()).toBe(true);
    expect(sessionStorage.length).toBe(0);
  });

  it('explains a refused token and stays signed out', async () => {
    const { fixture, element, backend } = await submit('bad');
    backend
      .expectOne('/admin/session')
      .flush({ statusCode: 401, message: 'Invalid admin token' }, { status: 401, statusText: 'Unauthorized' });
    await fixture.whenStable();
    expect(TestBed.inject(AuthStore).signedIn()).toBe(false);
    expect(element.textContent).toContain('This token was not accepted');
  });

  it('says to wait when the server throttles sign-ins', async () => {
    const { fixture, element, backend } = await submit('guess');
    backend
      .expectOne('/admin/session')
      .flush({ statusCode: 429, message: 'Too many' }, { status: 429, statusText: 'Too Many Requests' });
    await fixture.whenStable();
    expect(element.textContent).toContain('wait a minute');
  });
});
