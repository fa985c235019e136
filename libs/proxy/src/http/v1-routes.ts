import { methodNotAllowed, unknownUrl, type OpenAiHttpError } from '../errors/openai-error';

/** The /v1 surface and the methods each path takes (root aliases included). */
const KNOWN_ROUTES: ReadonlyArray<{ pattern: RegExp; methods: string[] }> = [
  { pattern: /^(\/v1)?\/models$/, methods: ['GET'] },
  { pattern: /^(\/v1)?\/models\/[^/]+$/, methods: ['GET'] },
  { pattern: /^(\/v1)?\/responses$/, methods: ['POST'] },
  { pattern: /^(\/v1)?\/responses\/compact$/, methods: ['POST'] },
  { pattern: /^(\/v1)?\/chat\/completions$/, methods: ['POST'] },
];

/** Why a request reached no handler: 405 with `Allow` on a known path, else 404 `unknown_url` (§12.2). */
export function unmatchedRouteError(method: string, path: string): OpenAiHttpError {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const known = KNOWN_ROUTES.find((route) => route.pattern.test(trimmed));
  if (known && !known.methods.includes(method.toUpperCase())) return methodNotAllowed(method, trimmed, known.methods);
  return unknownUrl(method, path);
}
