import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { authInterceptor, isAdminUrl } from './auth-interceptor';
import { AuthStore } from './auth-store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let auth: AuthStore;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    auth = TestBed.inject(AuthStore);
  });

  afterEach(() => backend.verify());

  it('adds the stored admin token to admin API calls', () => {
    auth.signIn('s3cret');
    http.get('/admin/accounts').subscribe();
    const request = backend.expectOne('/admin/accounts');
    expect(request.request.headers.get('x-admin-token')).toBe('s3cret');
    request.flush({ accounts: [] });
  });

  it('never sends the admin token to /v1 or to another host', () => {
    auth.signIn('s3cret');
    http.get('/v1/models').subscribe();
    http.get('https://elsewhere.example/admin/accounts').subscribe();
    const v1 = backend.expectOne('/v1/models');
    const foreign = backend.expectOne('https://elsewhere.example/admin/accounts');
    expect(v1.request.headers.has('x-admin-token')).toBe(false);
    expect(foreign.request.headers.has('x-admin-token')).toBe(false);
    v1.flush({});
    foreign.flush({});
  });

  it('signs out and says why when the server rejects the stored token', () => {
    auth.signIn('old-token');
    let failed = false;
    http.get('/admin/traces').subscribe({ error: () => (failed = true) });
    backend
      .expectOne('/admin/traces')
      .flush({ statusCode: 401, message: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });
    expect(failed).toBe(true);
    expect(auth.signedIn()).toBe(false);
    expect(auth.signOutReason()).toBe('expired');
    expect(sessionStorage.getItem('mcp.adminToken')).toBeNull();
  });

  it('keeps the session when a candidate token is refused at sign-in', () => {
    auth.signIn('good-token');
    http.get('/admin/accounts', { headers: { 'x-admin-token': 'wrong' } }).subscribe({ error: () => undefined });
    const request = backend.expectOne('/admin/accounts');
    expect(request.request.headers.get('x-admin-token')).toBe('wrong');
    request.flush({}, { status: 401, statusText: 'Unauthorized' });
    expect(auth.token()).toBe('good-token');
  });

  it('does not sign out on other errors', () => {
    auth.signIn('s3cret');
    http.get('/admin/accounts').subscribe({ error: () => undefined });
    backend.expectOne('/admin/accounts').flush({}, { status: 500, statusText: 'Server Error' });
    expect(auth.signedIn()).toBe(true);
  });

  it('recognises admin URLs by same-origin path only', () => {
    expect(isAdminUrl('/admin/config')).toBe(true);
    expect(isAdminUrl(`${window.location.origin}/admin/config`)).toBe(true);
    expect(isAdminUrl('/administrator')).toBe(false);
    expect(isAdminUrl('/v1/chat/completions')).toBe(false);
  });
});

describe('AuthStore', () => {
  beforeEach(() => sessionStorage.clear());

  it('keeps the token in sessionStorage for the tab', () => {
    const auth = TestBed.inject(AuthStore);
    auth.signIn('abc');
    expect(sessionStorage.getItem('mcp.adminToken')).toBe('abc');
    auth.signOut();
    expect(auth.signOutReason()).toBe('manual');
    expect(sessionStorage.getItem('mcp.adminToken')).toBeNull();
  });
});
