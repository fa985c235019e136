import { bareModelId, clampEffort } from './effort';
import { ClientRequestError } from './errors';

describe('clampEffort (§2.3)', () => {
  it.each<[string, string, string]>([
    ['gpt-5.2-codex', 'minimal', 'low'],
    ['gpt-5.3-codex', 'minimal', 'low'],
    ['gpt-5.3-codex', 'xhigh', 'xhigh'],
    ['gpt-5.1', 'xhigh', 'high'],
    ['gpt-5.1', 'minimal', 'minimal'],
    ['gpt-5.1-codex', 'xhigh', 'xhigh'],
    ['gpt-5.1-codex-mini', 'xhigh', 'high'],
    ['gpt-5.1-codex-mini', 'high', 'high'],
    ['gpt-5.1-codex-mini', 'low', 'medium'],
    ['gpt-5.1-codex-mini', 'none', 'medium'],
    ['openai/GPT-5.1', 'xhigh', 'high'],
    ['gpt-5-codex', 'minimal', 'minimal'],
  ])('fallback table: %s %s → %s', (model, effort, expected) => {
    expect(clampEffort(model, effort)).toBe(expected);
  });

  it.each<[string, string[], string]>([
    ['medium', ['low', 'medium', 'high'], 'medium'],
    ['minimal', ['low', 'medium', 'high'], 'low'],
    ['none', ['medium', 'high'], 'medium'],
    ['xhigh', ['low', 'medium', 'high'], 'high'],
    ['low', ['none', 'high'], 'high'],
  ])('catalogue levels: %s with %j → %s', (effort, levels, expected) => {
    expect(clampEffort('gpt-5.1', effort, levels)).toBe(expected);
  });

  it("accepts the catalogue's {effort, description} objects and ignores unknown names there", () => {
    expect(clampEffort('m', 'minimal', [{ effort: 'low', description: 'fast' }, { effort: 'bogus' }, 7])).toBe('low');
  });

  it('leaves no effort as no effort', () => {
    expect(clampEffort('gpt-5.1', undefined)).toBeUndefined();
    expect(clampEffort('gpt-5.1', null)).toBeUndefined();
  });

  it('accepts effort in any case', () => {
    expect(clampEffort('gpt-5-codex', ' HIGH ')).toBe('high');
  });

  it.each([['extreme'], [''], [3], [{ effort: 'high' }]])('rejects %p with a 400 on reasoning.effort', (effort) => {
    expect(() => clampEffort('gpt-5.1', effort)).toThrow(ClientRequestError);
    try {
      clampEffort('gpt-5.1', effort);
    } catch (error) {
      expect(error).toMatchObject({ status: 400, param: 'reasoning.effort', code: 'invalid_value' });
    }
  });

  it('bareModelId keeps what follows the last slash, lower-cased', () => {
    expect(bareModelId('openai/GPT-5.3-Codex')).toBe('gpt-5.3-codex');
  });
});
