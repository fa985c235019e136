import { codexIdentityHeaders, DEFAULT_INSTRUCTIONS, ORIGINATOR } from './constants';

describe('codexIdentityHeaders', () => {
  it('sends an originator, User-Agent and version that agree with each other (§2.1)', () => {
    expect(codexIdentityHeaders('0.144.1')).toEqual({
      'OpenAI-Beta': 'responses=experimental',
      originator: 'codex_cli_rs',
      'User-Agent': 'codex_cli_rs/0.144.1',
      version: '0.144.1',
    });
    expect(ORIGINATOR).toBe('codex_cli_rs');
    expect(DEFAULT_INSTRUCTIONS).toBe('You are a helpful assistant.');
  });
});
