import { Injectable, signal } from '@angular/core';

const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const ACCOUNT_ID_PATTERN = /\bacc_[A-Za-z0-9_-]+/g;
const MASK = '***';

/** `?sanitized=1` (or true/yes) turns masking on, for screenshots. */
export function sanitizedFromUrl(url: string): boolean {
  const query = url.includes('?') ? (url.slice(url.indexOf('?') + 1).split('#')[0] ?? '') : '';
  const value = new URLSearchParams(query).get('sanitized');
  return value !== null && ['1', 'true', 'yes', ''].includes(value.toLowerCase());
}

/** `alice@example.com` → `a***@e***.com`: the shape stays readable, the identity does not. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return `${email.slice(0, 1)}${MASK}`;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}${MASK}@${domain.slice(0, 1)}${MASK}${tld}`;
}

/** A short, stable stand-in so masked ids stay distinguishable without revealing them. */
function fingerprint(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0').slice(0, 4);
}

/** `acc_8f3k2…` → `acc_***1a2b`; ids without a prefix become `***1a2b`. */
export function maskId(id: string): string {
  const underscore = id.indexOf('_');
  const prefix = underscore > 0 && underscore <= 8 ? id.slice(0, underscore + 1) : '';
  return `${prefix}${MASK}${fingerprint(id)}`;
}

/** Key and token hints keep nothing but their length class. */
export function maskHint(hint: string): string {
  return hint.length === 0 ? hint : '••••••';
}

/** Masks every email and account id found in free text (errors, payloads, warnings). */
export function maskText(text: string): string {
  return text.replace(EMAIL_PATTERN, (email) => maskEmail(email)).replace(ACCOUNT_ID_PATTERN, (id) => maskId(id));
}

/** Applies masking when sanitized mode is on, and is a no-op otherwise. */
@Injectable({ providedIn: 'root' })
export class Sanitizer {
  private readonly on = signal(sanitizedFromUrl(typeof window === 'undefined' ? '' : window.location.href));
  readonly enabled = this.on.asReadonly();

  followUrl(url: string): void {
    this.on.set(sanitizedFromUrl(url));
  }

  email(value: string | null | undefined): string {
    if (!value) return '';
    return this.on() ? maskEmail(value) : value;
  }

  id(value: string | null | undefined): string {
    if (!value) return '';
    return this.on() ? maskId(value) : value;
  }

  hint(value: string | null | undefined): string {
    if (!value) return '';
    return this.on() ? maskHint(value) : value;
  }

  text(value: string | null | undefined): string {
    if (!value) return '';
    return this.on() ? maskText(value) : value;
  }
}
