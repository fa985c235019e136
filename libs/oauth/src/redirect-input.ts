/** What a person pasted after the browser login, read as leniently as we safely can (PROTOCOL §8.1). */
export interface RedirectInput {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

const BARE_CODE = /^[A-Za-z0-9._~+/=-]+$/;

/**
 * Accepts the full redirect URL (with or without scheme), a query string, `code#state`, or the
 * bare code. Returns no code when the text holds none.
 */
export function parseRedirectInput(raw: string): RedirectInput {
  const text = raw.trim().replace(/^["'<\s]+|["'>\s]+$/g, '');
  if (text === '') return {};
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return fromUrl(text);
  if (text.includes('=')) {
    const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
    return fromParams(new URLSearchParams(query.replace(/^[#&]+/, '').split('#')[0]));
  }
  if (text.includes('#')) {
    const [code, state] = text.split('#', 2);
    return withoutEmpty({ code, state });
  }
  return BARE_CODE.test(text) ? { code: text } : {};
}

function fromUrl(text: string): RedirectInput {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {};
  }
  const fromQuery = fromParams(url.searchParams);
  if (fromQuery.code !== undefined || fromQuery.error !== undefined) return fromQuery;
  // Some browsers or copy tools move the parameters into the fragment.
  return url.hash.includes('=') ? fromParams(new URLSearchParams(url.hash.slice(1))) : fromQuery;
}

function fromParams(params: URLSearchParams): RedirectInput {
  return withoutEmpty({
    code: params.get('code') ?? undefined,
    state: params.get('state') ?? undefined,
    error: params.get('error') ?? undefined,
    errorDescription: params.get('error_description') ?? undefined,
  });
}

function withoutEmpty(input: Partial<Record<keyof RedirectInput, string>>): RedirectInput {
  const out: RedirectInput = {};
  for (const [key, value] of Object.entries(input) as [keyof RedirectInput, string | undefined][]) {
    const trimmed = value?.trim();
    if (trimmed) out[key] = trimmed;
  }
  return out;
}
