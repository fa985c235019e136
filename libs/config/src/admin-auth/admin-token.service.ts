import { Injectable, Logger } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../app-config';

const WEAK_TOKENS = new Set(['change-me', 'changeme', 'admin', 'password', 'secret']);

/** The effective admin token: ADMIN_TOKEN, else one generated at first start and kept 0600 in DATA_DIR. */
@Injectable()
export class AdminTokenService {
  private readonly logger = new Logger('AdminAuth');
  readonly token: string;
  readonly generated: boolean;

  constructor(config: AppConfig) {
    const configured = config.adminToken;
    if (configured) {
      this.token = configured;
      this.generated = false;
      if (WEAK_TOKENS.has(configured.toLowerCase()) || configured.length < 16) {
        this.logger.warn(
          'ADMIN_TOKEN is weak (a default or shorter than 16 characters): anyone guessing it controls your accounts',
        );
      }
      return;
    }
    const file = join(config.dataDir, 'admin-token');
    this.generated = true;
    if (existsSync(file)) {
      this.token = readFileSync(file, 'utf8').trim();
      this.logger.log(`Admin token read from ${file} (ADMIN_TOKEN is unset)`);
      return;
    }
    this.token = randomBytes(24).toString('base64url');
    writeFileSync(file, `${this.token}\n`, { mode: 0o600, flag: 'wx' });
    // Printed exactly once, at creation: this is how an operator without ADMIN_TOKEN signs in.
    this.logger.warn(`ADMIN_TOKEN is unset: generated an admin token and stored it in ${file}: ${this.token}`);
  }

  matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    return constantTimeEqual(candidate, this.token);
  }

  /** Cookie value derived from the token, so changing the token revokes every session. */
  sessionValue(): string {
    return createHmac('sha256', this.token).update('mcp-admin-session-v1').digest('base64url');
  }

  matchesSession(candidate: string | undefined): boolean {
    return candidate !== undefined && constantTimeEqual(candidate, this.sessionValue());
  }
}

export function constantTimeEqual(a: string, b: string): boolean {
  // Hash both sides first so neither the content nor the length leaks through timing.
  const ha = createHmac('sha256', 'mcp-compare').update(a).digest();
  const hb = createHmac('sha256', 'mcp-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
