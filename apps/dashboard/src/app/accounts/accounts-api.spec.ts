import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { AccountsApi } from './accounts-api';

describe('AccountsApi', () => {
  let api: AccountsApi;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(AccountsApi);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('patches an account and returns the updated view', async () => {
    const reply = firstValueFrom(api.patch('acc_1', { priority: 3 }));
    const request = backend.expectOne('/admin/accounts/acc_1');
    expect(request.request.method).toBe('PATCH');
    expect(request.request.body).toEqual({ priority: 3 });
    request.flush({ ok: true, account: { id: 'acc_1', priority: 3 } });
    expect((await reply).priority).toBe(3);
  });

  it('deletes, unblocks and refreshes one account by its encoded id', async () => {
    const removed = firstValueFrom(api.remove('acc/1'));
    const del = backend.expectOne('/admin/accounts/acc%2F1');
    expect(del.request.method).toBe('DELETE');
    del.flush({ ok: true });
    await expect(removed).resolves.toBeUndefined();

    api.unblock('acc_1', 'gpt-5.3-codex').subscribe();
    const unblock = backend.expectOne((r) => r.url === '/admin/accounts/acc_1/unblock');
    expect(unblock.request.method).toBe('POST');
    expect(unblock.request.params.get('model')).toBe('gpt-5.3-codex');
    unblock.flush({ ok: true, account: { id: 'acc_1' } });

    api.unblock('acc_1').subscribe();
    const all = backend.expectOne((r) => r.url === '/admin/accounts/acc_1/unblock');
    expect(all.request.params.has('model')).toBe(false);
    all.flush({ ok: true, account: { id: 'acc_1' } });

    api.refreshUsage('acc_1').subscribe();
    backend
      .expectOne({ method: 'POST', url: '/admin/accounts/acc_1/refresh-usage' })
      .flush({ ok: true, account: { id: 'acc_1' } });
  });

  it('refreshes the usage of every account', async () => {
    const reply = firstValueFrom(api.refreshAllUsage());
    backend
      .expectOne({ method: 'POST', url: '/admin/usage/refresh' })
      .flush({ ok: true, accounts: [], errors: [{ accountId: 'a', message: 'x' }] });
    expect((await reply).errors).toHaveLength(1);
  });

  it('drives the OAuth flow: start, complete, device poll and status', async () => {
    api.startOAuth({ email: 'a@b.c', method: 'browser' }).subscribe();
    const start = backend.expectOne({ method: 'POST', url: '/admin/oauth/start' });
    expect(start.request.body).toEqual({ email: 'a@b.c', method: 'browser' });
    start.flush({
      ok: true,
      flowId: 'f1',
      method: 'browser',
      authorizeUrl: 'u',
      expectedRedirectUri: 'r',
      expiresAt: 1,
    });

    api.completeOAuth('f1', 'http://localhost:1455/auth/callback?code=c&state=f1').subscribe();
    const complete = backend.expectOne({ method: 'POST', url: '/admin/oauth/complete' });
    expect(complete.request.body).toEqual({
      flowId: 'f1',
      input: 'http://localhost:1455/auth/callback?code=c&state=f1',
    });
    complete.flush({ ok: true, account: { id: 'acc_1' } });

    api.pollDevice('f2').subscribe();
    const poll = backend.expectOne({ method: 'POST', url: '/admin/oauth/device/poll' });
    expect(poll.request.body).toEqual({ flowId: 'f2' });
    poll.flush({ ok: true, status: 'pending', intervalSeconds: 5 });

    const status = firstValueFrom(api.flowStatus('f1'));
    backend.expectOne('/admin/oauth/status/f1').flush({ ok: true, flow: { id: 'f1', status: 'success' } });
    expect((await status).status).toBe('success');
  });
});
