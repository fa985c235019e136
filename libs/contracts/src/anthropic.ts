/** `GET/PUT/DELETE /admin/anthropic/model-map`: which Codex model serves each Anthropic model name (PROTOCOL.md §14). */
export interface AnthropicModelMapView {
  /** The map in force: keys are `default`, a family word (`opus`, `sonnet`, `haiku`, …) or an exact model name. */
  map: Record<string, string>;
  /** `dashboard` when an admin edit replaced the environment's map. */
  source: 'environment' | 'dashboard';
  /** ANTHROPIC_MODEL_MAP over its defaults, what a reset goes back to. */
  environment: Record<string, string>;
  /** Epoch ms of the dashboard edit, or null. */
  updatedAt: number | null;
}

/** `PUT /admin/anthropic/model-map` body. */
export interface AnthropicModelMapRequest {
  map: Record<string, string>;
}
