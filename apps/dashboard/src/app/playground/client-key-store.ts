import { Injectable, signal } from '@angular/core';

const KEY = 'mcp.clientKey';

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** The /v1 client key the playground uses when the server requires one; kept for this tab only. */
@Injectable({ providedIn: 'root' })
export class ClientKeyStore {
  private readonly value = signal<string | null>(read());
  readonly key = this.value.asReadonly();

  set(key: string | null): void {
    const trimmed = key?.trim() || null;
    try {
      if (trimmed) sessionStorage.setItem(KEY, trimmed);
      else sessionStorage.removeItem(KEY);
    } catch {
      // Storage refused: the key lives in memory only.
    }
    this.value.set(trimmed);
  }
}
