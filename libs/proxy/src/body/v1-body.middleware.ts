import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import { Decompress } from 'fzstd';
import type { AppConfig } from '@mcp/config';
import { OpenAiHttpError, invalidRequest, payloadTooLarge, renderOpenAiError } from '../errors/openai-error';
import { ensureRequestId, markReceived, type ProxyRequest } from '../request-context';
import { isMessagesPath, renderAnthropicHttpError } from '../anthropic/anthropic-errors';

export type V1BodyMiddleware = (req: Request, res: Response, next: NextFunction) => void;

/** Over the byte limit, before or after decompression. */
class BodyTooLargeError extends Error {}

const zlibDecoders: Record<string, (buf: Buffer, options: ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify<Buffer, ZlibOptions, Buffer>(gunzip),
  'x-gzip': promisify<Buffer, ZlibOptions, Buffer>(gunzip),
  deflate: promisify<Buffer, ZlibOptions, Buffer>(inflate),
  br: promisify<Buffer, ZlibOptions, Buffer>(brotliDecompress),
};

/**
 * Reads a /v1 request body ourselves (Nest's parser is off for these paths): byte limit, content-encoding
 * (zstd from Codex CLI, gzip/deflate/br), strict UTF-8 and JSON, errors in the OpenAI envelope (PROTOCOL.md §12.2).
 */
export function createV1BodyMiddleware(config: Pick<AppConfig, 'requestBodyLimitBytes'>): V1BodyMiddleware {
  const limit = config.requestBodyLimitBytes;
  return (req, res, next) => {
    // The first /v1 middleware: the gateway's clock starts before the body is read.
    markReceived(req);
    ensureRequestId(req, res);
    readV1Body(req, res, limit).then((read) => {
      if (read) next();
    }, next);
  };
}

/**
 * Reads the body of a /v1 request onto `req.body` / `req.bodyText` (nothing to read leaves both alone). False when
 * it could not: the error answer has then been written, in the envelope of the request's surface.
 */
export async function readV1Body(req: ProxyRequest, res: ServerResponse, limit: number): Promise<boolean> {
  if (!hasBody(req)) return true;
  try {
    const read = await readJsonBody(req, limit);
    req.body = read?.body;
    req.bodyText = read?.text;
    return true;
  } catch (error) {
    renderBodyError(req, res, error, limit);
    return false;
  }
}

function renderBodyError(req: ProxyRequest, res: ServerResponse, error: unknown, limit: number): void {
  const requestId = ensureRequestId(req, res);
  // /v1/messages speaks Anthropic's envelope, even about a body it could not read (§14).
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
  const render = isMessagesPath(path) ? renderAnthropicHttpError : renderOpenAiError;
  if (error instanceof BodyTooLargeError) {
    req.resume(); // discard the rest so the client can read our answer
    render(res, payloadTooLarge(limit), requestId);
  } else if (error instanceof OpenAiHttpError) {
    render(res, error, requestId);
  } else if (!res.headersSent && !req.destroyed) {
    render(res, invalidRequest('The request body could not be read.'), requestId);
  }
}

function hasBody(req: ProxyRequest): boolean {
  if (req.body !== undefined || req.readableEnded) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return Number.isFinite(length) && length > 0;
}

/** The parsed body and the text it came from; undefined for an empty body. */
interface ReadBody {
  body: Record<string, unknown>;
  text: string;
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<ReadBody | undefined> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const raw = await readRaw(req, limit);
  const encodings = encodingsOf(req);
  const decoded = encodings.length === 0 ? raw : await decodeContent(raw, encodings, limit);
  if (decoded.length === 0) return undefined;
  const text = decodeUtf8(decoded);
  return { body: parseJsonObject(text), text };
}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      // A body that arrived in one read (most do) is used as it came, without a copy.
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function encodingsOf(req: IncomingMessage): string[] {
  const header = req.headers['content-encoding'];
  if (!header) return [];
  return header
    .split(',')
    .map((value) => value.trim().toLowerCase())
    .filter((value) => value !== '' && value !== 'identity');
}

/** Encodings are listed in the order applied, so they are undone from the last one back. */
async function decodeContent(raw: Buffer, encodings: string[], limit: number): Promise<Buffer> {
  let data = raw;
  for (const encoding of [...encodings].reverse()) {
    data = await decodeOne(data, encoding, limit);
  }
  return data;
}

async function decodeOne(data: Buffer, encoding: string, limit: number): Promise<Buffer> {
  if (encoding === 'zstd') return zstdDecompress(data, limit);
  const decoder = zlibDecoders[encoding];
  if (!decoder) {
    throw new OpenAiHttpError(415, `Unsupported content-encoding '${encoding}'.`, 'invalid_request_error', {
      code: 'unsupported_content_encoding',
    });
  }
  try {
    return await decoder(data, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError();
    throw invalidRequest(`The request body is not valid ${encoding} data.`);
  }
}

/** Streams through fzstd in slices so a decompression bomb stops at the limit instead of filling memory. */
function zstdDecompress(data: Buffer, limit: number): Buffer {
  const parts: Uint8Array[] = [];
  let size = 0;
  const decompressor = new Decompress((chunk) => {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError();
    parts.push(chunk);
  });
  const slice = 64 * 1024;
  try {
    for (let offset = 0; offset < data.length; offset += slice) {
      const end = Math.min(offset + slice, data.length);
      decompressor.push(data.subarray(offset, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw error;
    throw invalidRequest('The request body is not valid zstd data.');
  }
  if (data.length === 0) return Buffer.alloc(0);
  return Buffer.concat(parts, size);
}

/** Stateless between calls (no `stream` option), so one serves every request. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(data: Buffer): string {
  try {
    return strictUtf8.decode(data);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest(
      'We could not parse the JSON body of your request. The API expects a JSON object; what was sent was not valid JSON.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
