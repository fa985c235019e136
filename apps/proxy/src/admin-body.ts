import express, { NextFunction, Request, Response } from 'express';

const MAX_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Admin JSON bodies: small, strictly UTF-8 (express would quietly substitute U+FFFD), and shallow. */
export function adminBodyMiddleware(): express.RequestHandler[] {
  const json = express.json({
    limit: '1mb',
    verify: (_req, _res, buffer) => {
      try {
        utf8.decode(buffer);
      } catch {
        throw Object.assign(new Error('The request body is not valid UTF-8.'), { status: 400, expose: true });
      }
    },
  });
  return [json, rejectDeepBodies];
}

// class-transformer recurses over the body; a deeply nested one would overflow its stack (a 500).
function rejectDeepBodies(req: Request, res: Response, next: NextFunction): void {
  if (depthExceeds(req.body, MAX_DEPTH)) {
    res
      .status(400)
      .json({ statusCode: 400, message: `JSON nested deeper than ${MAX_DEPTH} levels`, error: 'Bad Request' });
    return;
  }
  next();
}

/** Iterative, so measuring depth cannot itself overflow the stack. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
