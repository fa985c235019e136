import { parseRedirectInput } from '@mcp/oauth';

const STATE = '3f2b8c1e-1111-4222-8333-944445555666';

describe('parseRedirectInput: whatever a person pastes', () => {
  it.each([
    [
      'the full redirect URL',
      `http://localhost:1455/auth/callback?code=ac_abc123&state=${STATE}`,
      { code: 'ac_abc123', state: STATE },
    ],
    [
      'the URL with extra parameters and a fragment',
      `http://localhost:1455/auth/callback?scope=openid&code=ac_1&state=${STATE}#`,
      { code: 'ac_1', state: STATE },
    ],
    [
      'the URL without its scheme',
      `localhost:1455/auth/callback?code=ac_2&state=${STATE}`,
      { code: 'ac_2', state: STATE },
    ],
    [
      'the URL wrapped in quotes and spaces',
      `  "http://localhost:1455/auth/callback?code=ac_3&state=${STATE}"\n`,
      { code: 'ac_3', state: STATE },
    ],
    [
      'parameters moved into the fragment',
      `http://localhost:1455/auth/callback#code=ac_4&state=${STATE}`,
      { code: 'ac_4', state: STATE },
    ],
    ['a query string', `code=ac_5&state=${STATE}`, { code: 'ac_5', state: STATE }],
    ['a query string with its question mark', `?state=${STATE}&code=ac_6`, { code: 'ac_6', state: STATE }],
    ['code#state', `ac_7#${STATE}`, { code: 'ac_7', state: STATE }],
    ['the bare code', 'ac_8-xyz_0', { code: 'ac_8-xyz_0' }],
    [
      'a percent-encoded code',
      `http://localhost:1455/auth/callback?code=ac%2B9&state=${STATE}`,
      { code: 'ac+9', state: STATE },
    ],
    [
      'access denied',
      `http://localhost:1455/auth/callback?error=access_denied&error_description=The+user+denied&state=${STATE}`,
      { error: 'access_denied', errorDescription: 'The user denied', state: STATE },
    ],
    ['the callback URL without a code', 'http://localhost:1455/auth/callback', {}],
    ['a query string without a code', `state=${STATE}`, { state: STATE }],
    ['empty input', '   ', {}],
    ['prose', 'I could not find the URL', {}],
    ['a broken URL', 'http://', {}],
  ])('%s', (_name, input, expected) => {
    expect(parseRedirectInput(input)).toEqual(expected);
  });
});
