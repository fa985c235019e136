import { All, Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { unmatchedBackendRoute } from './backend-api-routes';

/** Registered after the real routes: anything else under the ChatGPT-shaped prefix gets the OpenAI envelope. */
@Controller()
export class BackendApiFallbackController {
  @All(['backend-api', 'backend-api/*path', 'api/codex/*path'])
  unmatched(@Req() req: Request): never {
    throw unmatchedBackendRoute(req.method, req.path);
  }
}
