import { Logger } from '@nestjs/common';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mcp/config';
import { AdminTokenService, constantTimeEqual } from './admin-token.service';
import { cookieValue } from './request-credentials';

describe('AdminTokenService', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mcp-admin-spec-'))));
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('generates a strong token once, stores it 0600 and reuses it after a restart', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const first = new AdminTokenService(loadConfig({ DATA_DIR: dir }));
    const file = join(dir, 'admin-token');
    expect(first.generated).toBe(true);
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warn.mock.calls.filter(([m]) => String(m).includes(first.token))).toHaveLength(1);
    const second = new AdminTokenService(loadConfig({ DATA_DIR: dir }));
    expect(second.token).toBe(first.token);
    expect(warn.mock.calls.filter(([m]) => String(m).includes(first.token))).toHaveLength(1);
  });

  it('uses ADMIN_TOKEN, warns when it is weak, and matches only the exact token', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const service = new AdminTokenService(loadConfig({ DATA_DIR: dir, ADMIN_TOKEN: 'change-me' }));
    expect(service.generated).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('weak'));
    expect(service.matches('change-me')).toBe(true);
    expect(service.matches('change-me ')).toBe(false);
    expect(service.matches(undefined)).toBe(false);
  });

  it('derives the session cookie from the token, so a new token revokes old sessions', () => {
    const a = new AdminTokenService(loadConfig({ DATA_DIR: dir, ADMIN_TOKEN: 'first-token-0123456789' }));
    const b = new AdminTokenService(loadConfig({ DATA_DIR: dir, ADMIN_TOKEN: 'second-token-0123456789' }));
    expect(a.matchesSession(a.sessionValue())).toBe(true);
    expect(b.matchesSession(a.sessionValue())).toBe(false);
    expect(a.sessionValue()).not.toContain('first-token');
  });

  it('compares strings of any length without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });

  it('treats a malformed cookie as no session', () => {
    expect(cookieValue({ cookie: 'mcp_admin=%E0%A4%A' }, 'mcp_admin')).toBeUndefined();
    expect(cookieValue({ cookie: 'x=1; mcp_admin=abc' }, 'mcp_admin')).toBe('abc');
  });
});
