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
    const fixture = TestBed.createComponent(SignIn);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const input = element.querySelector<HTMLInputElement>('[data-testid="signin-token"]')!;
    input.value = token;
    input.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    element.querySelector<HTMLButtonElement>('[data-testid="signin-submit"]')!.click();
    return { fixture, element, backend: TestBed.inject(HttpTestingController) };
  }

  it('verifies the token against the admin API before keeping it', async () => {
    const { backend } = await submit('  my-token ');
    const request = backend.expectOne('/admin/accounts');
    expect(request.request.headers.get('x-admin-token')).toBe('my-token');
    request.flush({ accounts: [] });
    expect(TestBed.inject(AuthStore).token()).toBe('my-token');
    expect(sessionStorage.getItem('mcp.adminToken')).toBe('my-token');
  });

  it('explains a refused token and stays signed out', async () => {
    const { fixture, element, backend } = await submit('bad');
    backend
      .expectOne('/admin/accounts')
      .flush({ statusCode: 401, message: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });
    await fixture.whenStable();
    expect(TestBed.inject(AuthStore).signedIn()).toBe(false);
    expect(element.textContent).toContain('This token was not accepted');
  });
});
