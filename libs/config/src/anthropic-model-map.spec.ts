import { ConfigError, loadConfig } from './app-config';
import { DEFAULT_ANTHROPIC_MODEL_MAP, parseModelMap, validateModelMap } from './anthropic-model-map';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('ANTHROPIC_MODEL_MAP', () => {
  it('defaults to Codex models every plan lists', () => {
    expect(parseModelMap(undefined)).toEqual({ map: DEFAULT_ANTHROPIC_MODEL_MAP, errors: [] });
  });

  it('lays key=model pairs (or key→model) over the defaults, keys lower-cased', () => {
    const { map, errors } = parseModelMap(' Opus=gpt-5.4 , haiku→gpt-5.4-mini,claude-sonnet-4-5=gpt-5.2 ');
    expect(errors).toEqual([]);
    expect(map).toEqual({
      opus: 'gpt-5.4',
      sonnet: 'gpt-5.3-codex',
      haiku: 'gpt-5.4-mini',
      default: 'gpt-5.3-codex',
      'claude-sonnet-4-5': 'gpt-5.2',
    });
  });

  it('names the variable and the entry when the text is malformed', () => {
    const { errors } = parseModelMap('opus,sonnet=bad model,opus=x');
    expect(errors).toEqual([
      'ANTHROPIC_MODEL_MAP entries must look like key=model, e.g. opus=gpt-5.4 (got "opus")',
      'ANTHROPIC_MODEL_MAP entry "sonnet": the value must be a Codex model id',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'mcp-map-spec-'));
    try {
      expect(() => loadConfig({ DATA_DIR: dir, ANTHROPIC_MODEL_MAP: 'opus' })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dir, ANTHROPIC_MODEL_MAP: 'opus' })).toThrow(/ANTHROPIC_MODEL_MAP/);
      expect(loadConfig({ DATA_DIR: dir, ANTHROPIC_MODEL_MAP: 'opus=gpt-5.2' }).anthropicModelMap['opus']).toBe(
        'gpt-5.2',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates the admin form field by field', () => {
    expect(validateModelMap({ opus: 'gpt-5.4', Default: 'gpt-5.2' })).toEqual({
      map: { opus: 'gpt-5.4', default: 'gpt-5.2' },
      problems: {},
    });
    expect(validateModelMap({ opus: 42, 'bad key!': 'gpt-5.2' }).problems).toEqual({
      opus: 'the value must be a Codex model id',
      'bad key!': 'the key must be default, a family word or a model name',
    });
  });
});
