import { ApiKeysService } from '@mcp/client-keys';
import { describeWithPostgres, eventually, type Fleet, type Replica, startFleet } from './helpers/postgres';

// A client key's rpmLimit is the key's, not each replica's (PROTOCOL.md §12.4): with STORAGE=postgres the replicas
// count the key's requests in one place, so two replicas still admit `rpmLimit` requests a minute, not twice that.

describeWithPostgres('two replicas on one PostgreSQL: client keys', () => {
  let fleet: Fleet;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    fleet = await startFleet();
    [a, b] = fleet.replicas as [Replica, Replica];
  });
  afterAll(async () => {
    await fleet?.close();
  });

  async function listModels(replica: Replica, secret: string): Promise<Response> {
    const response = await fetch(`${replica.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
    await response.arrayBuffer();
    return response;
  }

  it('enforces one rpmLimit across the fleet', async () => {
    const created = await a.admin<{ secret: string; key: { id: string } }>('POST', '/admin/api-keys', {
      name: 'shared-limit',
      rpmLimit: 2,
    });
    expect(created.status).toBe(201);
    const { secret } = created.body;
    await eventually(() => (b.app.get(ApiKeysService).verify(secret) ? true : undefined));

    expect((await listModels(a, secret)).status).toBe(200);
    expect((await listModels(b, secret)).status).toBe(200);
    const third = await listModels(a, secret);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await listModels(b, secret)).status).toBe(429);
  });
});
