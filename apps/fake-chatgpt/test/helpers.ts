import { FakeChatgpt, type AccountRecord, type IssuedTokens, type StartOptions } from '../src';

export interface SseEvent {
  event: string | undefined;
  data: Record<string, unknown>;
}

/** Minimal SSE splitter written for the tests (independent of any production parser). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    events.push({ event, data: JSON.parse(data.join('\n')) as Record<string, unknown> });
  }
  return events;
}

export interface Login {
  account: AccountRecord;
  tokens: IssuedTokens;
}

export function login(
  fake: FakeChatgpt,
  email: string,
  opts: Partial<Parameters<FakeChatgpt['addAccount']>[0]> = {},
): Login {
  const account = fake.addAccount({ email, ...opts });
  return { account, tokens: fake.issueTokens(account.id) };
}

export function codexHeaders(l: Login, extra: Record<string, string> = {}): Record<string, string> {
  return {
    authorization: `Bearer ${l.tokens.accessToken}`,
    'chatgpt-account-id': l.account.chatgptAccountId,
    'content-type': 'application/json',
    accept: 'text/event-stream',
    originator: 'codex_cli_rs',
    version: '1.0.0',
    'user-agent': 'codex_cli_rs/1.0.0',
    ...extra,
  };
}

export function userMessage(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.3-codex',
    instructions: 'You are a test.',
    input: [userMessage('hello')],
    store: false,
    stream: true,
    ...overrides,
  };
}

export async function postResponses(
  fake: FakeChatgpt,
  l: Login,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  path = '/backend-api/codex/responses',
): Promise<Response> {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: codexHeaders(l, headers), body: JSON.stringify(body) });
}

/** Posts a valid request and returns the parsed events of a 200 stream. */
export async function streamEvents(fake: FakeChatgpt, l: Login, body: Record<string, unknown>): Promise<SseEvent[]> {
  const res = await postResponses(fake, l, body);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${text}`);
  return parseSse(text);
}

export function ofType(events: SseEvent[], type: string): Record<string, unknown>[] {
  return events.filter((e) => e.data.type === type).map((e) => e.data);
}

export function textOf(events: SseEvent[]): string {
  return ofType(events, 'response.output_text.delta')
    .map((e) => String(e.delta))
    .join('');
}

export async function startFake(opts: StartOptions = {}): Promise<FakeChatgpt> {
  return FakeChatgpt.start({ rateLimitsEventEvery: 0, ...opts });
}

/** The usual start of a spec file: an emulator with one signed-in account, alice. */
export async function startWithAlice(opts: StartOptions = {}): Promise<{ fake: FakeChatgpt; alice: Login }> {
  const fake = await startFake(opts);
  return { fake, alice: login(fake, 'alice@example.com') };
}
