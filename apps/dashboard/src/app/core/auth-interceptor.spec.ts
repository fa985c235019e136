import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { authInterceptor, isAdminUrl } from './auth-interceptor';
import { AuthStore } from './auth-store';

describe('the cookie session', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  /** A store whose first GET /admin/session answered `authenticated`. */
  function store(authenticated: boolean): AuthStore {
    const auth = TestBed.inject(AuthStore);
    expect(auth.checking()).toBe(true);
    backend.expectOne({ method: 'GET', url: '/admin/session' }).flush({ authenticated });
    return auth;
  }

  it('asks the server whether the browser already has a session', () => {
    expect(store(true).signedIn()).toBe(true);
  });

  it('keeps no token anywhere in the page and sends none: the cookie travels on its own', () => {
    store(true);
    http.get('/admin/accounts').subscribe();
    const request = backend.expectOne('/admin/accounts');
    expect(request.request.headers.has('x-admin-token')).toBe(false);
    expect(request.request.headers.has('authorization')).toBe(false);
    request.flush({ accounts: [] });
    expect(sessionStorage.length + localStorage.length).toBe(0);
  });

  it('signs out and says why when an admin call answers 401', () => {
    const auth = store(true);
    let failed = false;
    http.get('/admin/traces').subscribe({ error: () => (failed = true) });
    backend
      .expectOne('/admin/traces')
      .flush({ statusCode: 401, message: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });
    expect(failed).toBe(true);
    expect(auth.signedIn()).toBe(false);
    expect(auth.signOutReason()).toBe('expired');
  });

  it('does not sign out on other errors', () => {
    const auth = store(true);
    http.get('/admin/accounts').subscribe({ error: () => undefined });
    backend.expectOne('/admin/accounts').flush({}, { status: 500, statusText: 'Server Error' });
    expect(auth.signedIn()).toBe(true);
  });

  it('signs out on the server too (DELETE /admin/session) when the user asks', () => {
    const auth = store(true);
    auth.signOut();
    backend.expectOne({ method: 'DELETE', url: '/admin/session' }).flush({ authenticated: false });
    expect(auth.signedIn()).toBe(false);
    expect(auth.signOutReason()).toBe('manual');
  });

  it('recognises admin URLs by same-origin path only', () => {
    expect(isAdminUrl('/admin/config')).toBe(true);
    expect(isAdminUrl(`${window.location.origin}/admin/config`)).toBe(true);
    expect(isAdminUrl('/administrator')).toBe(false);
    expect(isAdminUrl('/v1/chat/completions')).toBe(false);
    expect(isAdminUrl('https://elsewhere.example/admin/accounts')).toBe(false);
  });
});
