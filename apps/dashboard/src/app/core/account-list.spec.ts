import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { AccountList } from './account-list';

describe('AccountList', () => {
  let list: AccountList;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    list = TestBed.inject(AccountList);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('unwraps the account list', async () => {
    const reply = firstValueFrom(list.load());
    backend.expectOne('/admin/accounts').flush({ accounts: [{ id: 'acc_1' }] });
    expect((await reply).map((a) => a.id)).toEqual(['acc_1']);
  });
});
