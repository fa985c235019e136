import { TestBed } from '@angular/core/testing';
import { Sanitizer, maskEmail, maskId, maskText, sanitizedFromUrl } from './sanitizer';

describe('sanitized mode', () => {
  it('is turned on by ?sanitized=1 and its spellings, and off otherwise', () => {
    expect(sanitizedFromUrl('/overview?sanitized=1')).toBe(true);
    expect(sanitizedFromUrl('http://host/accounts?x=2&sanitized=true#top')).toBe(true);
    expect(sanitizedFromUrl('/overview?sanitized=0')).toBe(false);
    expect(sanitizedFromUrl('/overview')).toBe(false);
  });

  it('masks an email down to its first letters and top-level domain', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@e***.com');
    expect(maskEmail('bob.smith@mail.example.co.uk')).toBe('b***@m***.uk');
  });

  it('masks account ids stably, keeping the prefix and nothing of the secret part', () => {
    const masked = maskId('acc_8f3k2j9x');
    expect(masked).toMatch(/^acc_\*\*\*[0-9a-f]{4}$/);
    expect(masked).not.toContain('8f3k2j9x');
    expect(maskId('acc_8f3k2j9x')).toBe(masked);
    expect(maskId('acc_other')).not.toBe(masked);
  });

  it('masks emails and account ids inside free text', () => {
    const text = maskText('token for alice@example.com on acc_abc123 was refused');
    expect(text).not.toContain('alice@example.com');
    expect(text).not.toContain('acc_abc123');
    expect(text).toContain('a***@e***.com');
  });

  it('applies masking only while the flag is on, and follows navigation', () => {
    const sanitizer = TestBed.inject(Sanitizer);
    sanitizer.followUrl('/accounts');
    expect(sanitizer.email('alice@example.com')).toBe('alice@example.com');
    sanitizer.followUrl('/accounts?sanitized=1');
    expect(sanitizer.email('alice@example.com')).toBe('a***@e***.com');
    expect(sanitizer.id('acc_123')).not.toContain('123');
    expect(sanitizer.hint('sk-abc')).toBe('••••••');
    expect(sanitizer.email(undefined)).toBe('');
  });
});
