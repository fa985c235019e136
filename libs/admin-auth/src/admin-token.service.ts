import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '@mcp/config';

const WEAK_TOKENS = new Set(['change-me', 'changeme', 'admin', 'password', 'secret']);

/**
 * The effective admin token: ADMIN_TOKEN, else one generated at first start and kept 0600 in DATA_DIR.
 * The file is read or written in onModuleInit (not the constructor), so building the service does no I/O.
 */
@Injectable()
export class AdminTokenService implements OnModuleInit {
  private readonly logger = new Logger('AdminAuth');
  private current?: { token: string; generated: boolean };

  constructor(private readonly config: AppConfig) {}

  onModuleInit(): void {
    this.current ??= this.resolve();
  }

  get token(): string {
    this.onModuleInit();
    return this.current!.token;
  }

  get generated(): boolean {
    this.onModuleInit();
    return this.current!.generated;
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

  private resolve(): { token: string; generated: boolean } {
    const configured = this.config.adminToken;
    if (configured) {
      if (WEAK_TOKENS.has(configured.toLowerCase()) || configured.length < 16) {
        this.logger.warn(
          'ADMIN_TOKEN is weak (a default or shorter than 16 characters): anyone guessing it controls your accounts',
        );
      }
      return { token: configured, generated: false };
    }
    const file = join(this.config.dataDir, 'admin-token');
    if (existsSync(file)) {
      this.logger.log(`Admin token read from ${file} (ADMIN_TOKEN is unset)`);
      return { token: readFileSync(file, 'utf8').trim(), generated: true };
    }
    const token = randomBytes(24).toString('base64url');
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    // Printed exactly once, at creation: this is how an operator without ADMIN_TOKEN signs in.
    this.logger.warn(`ADMIN_TOKEN is unset: generated an admin token and stored it in ${file}: ${token}`);
    return { token, generated: true };
  }
}

export function constantTimeEqual(a: string, b: string): boolean {
  // Hash both sides first so neither the content nor the length leaks through timing.
  const ha = createHmac('sha256', 'mcp-compare').update(a).digest();
  const hb = createHmac('sha256', 'mcp-compare').update(b).digest();
  return timingSafeEqual(ha, hb);
}
