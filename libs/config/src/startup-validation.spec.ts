import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

/** Values that used to get past loadConfig and fail later with a stack naming nothing (HOST, PRICING_JSON). */
describe('loadConfig: bind address and pricing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mcp-config-startup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig({ DATA_DIR: dir, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it.each(['0.0.0.0', '127.0.0.1', '::', '::1', 'localhost', 'proxy.internal', 'my-host'])(
    'accepts HOST=%s',
    (host) => {
      expect(problems({ HOST: host })).toEqual([]);
    },
  );

  it.each(['999.1.1.1', '1.2.3', 'bad_host!', 'a..b', '-leading'])('refuses HOST=%s, naming HOST', (host) => {
    expect(problems({ HOST: host })).toEqual([
      `HOST must be an IP address or host name of this machine, e.g. 0.0.0.0 (got "${host}")`,
    ]);
  });

  it('accepts a pricing table', () => {
    const json = '{"gpt-5.3-codex": {"input": 1.25, "cached": 0.125, "output": 10}}';
    expect(loadConfig({ DATA_DIR: dir, PRICING_JSON: json }).pricing).toEqual({
      'gpt-5.3-codex': { input: 1.25, cached: 0.125, output: 10 },
    });
  });

  it.each([
    ['{not json', 'must be a JSON object keyed by model id'],
    ['[1, 2]', 'must be a JSON object keyed by model id'],
    ['{"gpt-5": {"input": 1}}', "needs 'input' and 'output'"],
  ])('refuses PRICING_JSON=%s, naming PRICING_JSON', (json, why) => {
    const [problem, ...rest] = problems({ PRICING_JSON: json });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^PRICING_JSON is invalid: /);
    expect(problem).toContain(why);
  });
});
