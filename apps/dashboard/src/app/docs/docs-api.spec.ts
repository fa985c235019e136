import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { DocsApi } from './docs-api';

describe('DocsApi', () => {
  it('reads the server configuration and the model catalogue', async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const api = TestBed.inject(DocsApi);
    const backend = TestBed.inject(HttpTestingController);

    const config = firstValueFrom(api.config());
    backend.expectOne({ method: 'GET', url: '/admin/config' }).flush({ ok: true, clientKeysRequired: false });
    expect((await config).clientKeysRequired).toBe(false);

    const models = firstValueFrom(api.models());
    backend
      .expectOne({ method: 'GET', url: '/admin/models' })
      .flush({ models: [{ id: 'gpt-5.3-codex', accountIds: [] }], fetchedAt: 1, source: 'upstream' });
    expect((await models).models.map((m) => m.id)).toEqual(['gpt-5.3-codex']);
    backend.verify();
  });
});
