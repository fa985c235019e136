import { methodNotAllowed, unknownUrl, type OpenAiHttpError } from '../errors/openai-error';

/** The ChatGPT-shaped surface (§13.2, §13.4) and the methods each path takes. */
const KNOWN_ROUTES: ReadonlyArray<{ pattern: RegExp; methods: string[] }> = [
  { pattern: /^\/backend-api\/codex\/responses$/, methods: ['POST'] },
  { pattern: /^\/backend-api\/codex\/responses\/compact$/, methods: ['POST'] },
  { pattern: /^\/backend-api\/codex\/models$/, methods: ['GET'] },
  { pattern: /^\/backend-api\/wham\/usage$/, methods: ['GET'] },
  { pattern: /^\/api\/codex\/usage$/, methods: ['GET'] },
];

/** Why a request under /backend-api reached no handler: 405 with `Allow` on a known path, else 404 `unknown_url`. */
export function unmatchedBackendRoute(method: string, path: string): OpenAiHttpError {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const known = KNOWN_ROUTES.find((route) => route.pattern.test(trimmed));
  if (known && !known.methods.includes(method.toUpperCase())) return methodNotAllowed(method, trimmed, known.methods);
  return unknownUrl(method, path);
}
