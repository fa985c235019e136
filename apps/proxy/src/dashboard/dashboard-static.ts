import express, { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Paths that belong to the API: never answered with the SPA's index.html.
const API_PREFIXES = [
  '/v1',
  '/admin',
  '/health',
  '/metrics',
  '/models',
  '/responses',
  '/chat',
  '/backend-api',
  '/api/codex',
];

export function dashboardDirectory(configured: string | undefined): string | undefined {
  // Built, this file is dist/apps/proxy/src/dashboard/: three levels up is dist/apps, whatever the cwd.
  const candidates = configured
    ? [resolve(configured)]
    : [resolve('dist/apps/dashboard/browser'), resolve(__dirname, '../../../dashboard/browser')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/** Serves the built Angular console at `/`, with index.html for its client-side routes. */
export function dashboardMiddleware(dir: string): express.RequestHandler[] {
  const index = join(dir, 'index.html');
  const statics = express.static(dir, { index: false, maxAge: '1h', fallthrough: true });
  const spa = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (API_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    if (!req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  };
  return [statics, spa];
}

/** Shown when the dashboard has not been built (e.g. running from source without `npm run build`). */
export function missingDashboardPage(_req: Request, res: Response, next: NextFunction): void {
  if (_req.method !== 'GET' || _req.path !== '/') return next();
  res
    .status(503)
    .type('html')
    .send(
      '<h1>MultiCodex Proxy</h1><p>The dashboard is not built. Run <code>npm run build</code>, or use <code>npm start</code>.</p>',
    );
}
