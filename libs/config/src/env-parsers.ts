import { isIP } from 'node:net';

// Small parsers that collect every problem instead of stopping at the first one,
// so a bad deployment gets one message naming each wrong variable.
export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly errors: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.errors.push(`${name} must be a whole number (got "${value}")`);
      return fallback;
    }
    const n = Number(value);
    if (n < min || n > max) {
      this.errors.push(`${name} must be between ${min} and ${max} (got ${n})`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.errors.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
    } catch {
      this.errors.push(`${name} must be an http(s) URL (got "${value}")`);
    }
    return value.replace(/\/+$/, '');
  }

  /** A bind address: an IPv4/IPv6 literal or a host name (`999.1.1.1` is neither: it looks like IPv4 but is not). */
  host(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    const looksNumeric = /^[\d.]+$/.test(value);
    const hostname = /^(?=.{1,253}$)[a-z\d]([a-z\d-]{0,61}[a-z\d])?(\.[a-z\d]([a-z\d-]{0,61}[a-z\d])?)*$/i;
    if (isIP(value) === 0 && (looksNumeric || !hostname.test(value))) {
      this.errors.push(`${name} must be an IP address or host name of this machine, e.g. 0.0.0.0 (got "${value}")`);
    }
    return value;
  }

  path(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (!value.startsWith('/')) this.errors.push(`${name} must be a path starting with "/" (got "${value}")`);
    return value;
  }

  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Sizes like `50mb`, `512kb` or a plain byte count. */
  bytes(name: string, fallback: string): number {
    const value = this.string(name, fallback).toLowerCase();
    const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/.exec(value);
    if (!match) {
      this.errors.push(`${name} must be a size such as 50mb (got "${value}")`);
      return 50 * 1024 * 1024;
    }
    const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b') as 'b'];
    return Math.floor(Number(match[1]) * unit);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.errors.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }
}
