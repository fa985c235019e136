import { HttpErrorResponse } from '@angular/common/http';

/** The status and server message of a failed call, whatever shape the body had. */
export interface ApiError {
  status: number;
  message: string;
}

function messageFromBody(body: unknown): string | undefined {
  if (typeof body === 'string' && body.trim() !== '') return body.trim();
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const message = record['message'];
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.filter((m) => typeof m === 'string').join('; ');
  const nested = record['error'];
  if (nested && typeof nested === 'object') return messageFromBody(nested);
  if (typeof nested === 'string') return nested;
  return undefined;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0) return { status: 0, message: 'The server could not be reached. Check your connection.' };
    const fromBody = messageFromBody(error.error);
    return { status: error.status, message: fromBody ?? `${error.status} ${error.statusText}`.trim() };
  }
  if (error instanceof Error) return { status: 0, message: error.message };
  return { status: 0, message: String(error) };
}

/** One line for an error banner. */
export function errorText(error: unknown): string {
  const { status, message } = toApiError(error);
  if (status === 401) return 'Your admin session ended. Sign in again.';
  return message;
}

/** Reads an error envelope from a fetch Response (admin shape or OpenAI shape). */
export async function fetchErrorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the raw text is the message.
  }
  return messageFromBody(body) ?? `${response.status} ${response.statusText}`.trim();
}
