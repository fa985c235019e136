import { HttpErrorResponse } from '@angular/common/http';
import { buildMessages, chatErrorText, isUnauthorized } from './conversation';
import { ChatHttpError } from './playground-api';

describe('conversation', () => {
  it('sends the system text, the finished turns and the new prompt', () => {
    const messages = buildMessages(
      ' Be brief. ',
      [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
      'And now?',
    );
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('leaves out a question whose answer failed, with the failed answer', () => {
    const messages = buildMessages(
      '',
      [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: '', error: '429' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'ok' },
      ],
      'third',
    );
    expect(messages.map((m) => m.content)).toEqual(['second', 'ok', 'third']);
  });

  it('explains refusals from the gateway in words', () => {
    expect(chatErrorText(new ChatHttpError(401, 'Missing API key'))).toContain('requires a client key');
    expect(chatErrorText(new ChatHttpError(429, 'All 2 accounts are at their usage limit.'))).toContain(
      'All 2 accounts',
    );
    expect(chatErrorText(new ChatHttpError(404, "The model 'x' does not exist"))).toContain(
      "The model 'x' does not exist",
    );
    expect(chatErrorText(new DOMException('aborted', 'AbortError'))).toBe('Stopped.');
  });

  it('spots a model list refused for lack of a client key', () => {
    expect(isUnauthorized(new HttpErrorResponse({ status: 401 }))).toBe(true);
    expect(isUnauthorized(new HttpErrorResponse({ status: 500 }))).toBe(false);
    expect(isUnauthorized(undefined)).toBe(false);
  });
});
