// The Anthropic Messages surface (PROTOCOL.md §14) inside ProxyModule: its routes, model map and error envelope.
import { AnthropicErrorSurface } from './anthropic-errors';
import { MessagesController, RootProbeController } from './messages.controller';
import { MessagesService } from './messages.service';
import { AnthropicModelMapController } from './model-map.controller';
import { AnthropicModelMapService } from './model-map.service';

/** Listed in ProxyModule before the /v1 catch-all controller. */
export const ANTHROPIC_CONTROLLERS = [MessagesController, RootProbeController, AnthropicModelMapController];
export const ANTHROPIC_PROVIDERS = [AnthropicModelMapService, MessagesService, AnthropicErrorSurface];

export { AnthropicErrorSurface, isMessagesPath, renderAnthropicHttpError } from './anthropic-errors';
export { AnthropicModelMapService } from './model-map.service';
