import { All, Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { unmatchedRouteError } from './v1-routes';

/** Registered after the real routes: whatever else reaches /v1 (or a root alias) gets the OpenAI envelope. */
@Controller()
export class V1FallbackController {
  @All(['v1', 'v1/*path', 'models', 'models/:id', 'responses', 'responses/compact', 'chat/completions'])
  unmatched(@Req() req: Request): never {
    throw unmatchedRouteError(req.method, req.path);
  }
}
