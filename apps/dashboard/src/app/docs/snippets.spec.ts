import { buildSnippets } from './docs-page';
import { codexConfig, curlChat, curlModels, keyExport, nodeSdk, pythonSdk } from './snippets';

const ctx = { origin: 'https://proxy.example:8443', model: 'gpt-5.3-codex', keysRequired: true };

describe('docs snippets', () => {
  it('configures Codex CLI with a custom provider on this server', () => {
    const toml = codexConfig(ctx);
    expect(toml).toContain('model_provider = "multicodex"');
    expect(toml).toContain('[model_providers.multicodex]');
    expect(toml).toContain('base_url = "https://proxy.example:8443/v1"');
    expect(toml).toContain('wire_api = "responses"');
    expect(toml).toContain('env_key = "MULTICODEX_API_KEY"');
    expect(toml).toMatch(/^name = ".+"$/m);
  });

  it('points the SDKs at this server with the key from the environment', () => {
    expect(nodeSdk(ctx)).toContain("baseURL: 'https://proxy.example:8443/v1'");
    expect(nodeSdk(ctx)).toContain('process.env.MULTICODEX_API_KEY');
    expect(pythonSdk(ctx)).toContain('base_url="https://proxy.example:8443/v1"');
    expect(pythonSdk(ctx)).toContain('model="gpt-5.3-codex"');
  });

  it('adds the client key header to curl only when the server requires keys', () => {
    expect(curlModels(ctx)).toContain('authorization: Bearer $MULTICODEX_API_KEY');
    expect(curlModels({ ...ctx, keysRequired: false })).toBe('curl https://proxy.example:8443/v1/models');
    expect(curlChat(ctx)).toContain('"model": "gpt-5.3-codex"');
    expect(keyExport({ ...ctx, keysRequired: false })).toContain('does not require client keys');
  });

  it('follows the Codex config file with the key it names', () => {
    const codex = buildSnippets(ctx).clients.find((s) => s.id === 'codex')!;
    expect(codex.then?.code).toContain('export MULTICODEX_API_KEY=');
  });

  it('gives every snippet a distinct id', () => {
    const { clients, http } = buildSnippets(ctx);
    const ids = [...clients, ...http].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
