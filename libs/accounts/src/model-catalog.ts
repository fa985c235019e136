import { type NativeModelInfo, reasoningLevels } from '@mcp/codex';
import type { ModelView } from '@mcp/contracts';

/** One model of the merged catalogue. */
export interface CatalogModel {
  id: string;
  /** The upstream entry verbatim; only `{slug}` for a PROXY_MODELS fallback id. */
  info: NativeModelInfo;
  /** Accounts whose catalogue lists it; empty for a fallback id (any account may try). */
  accountIds: string[];
  /** First time this process saw the model (ms): `created` in /v1/models. */
  firstSeenAt: number;
}

/** Merges per-account catalogues by slug, in order of first appearance, recording who can serve what. */
export function mergeCatalogues(
  perAccount: ReadonlyMap<string, NativeModelInfo[]>,
  firstSeen: (id: string) => number,
): CatalogModel[] {
  const merged = new Map<string, CatalogModel>();
  for (const [accountId, models] of perAccount) {
    for (const info of models) {
      const existing = merged.get(info.slug);
      if (existing) {
        if (!existing.accountIds.includes(accountId)) existing.accountIds.push(accountId);
      } else {
        merged.set(info.slug, { id: info.slug, info, accountIds: [accountId], firstSeenAt: firstSeen(info.slug) });
      }
    }
  }
  return [...merged.values()];
}

export function toModelView(model: CatalogModel): ModelView {
  const info = model.info;
  const view: ModelView = { id: model.id, accountIds: [...model.accountIds] };
  if (typeof info.display_name === 'string' && info.display_name !== '') view.displayName = info.display_name;
  if (typeof info.visibility === 'string' && info.visibility !== '') view.visibility = info.visibility;
  if ('context_window' in info)
    view.contextWindow = typeof info.context_window === 'number' ? info.context_window : null;
  if (info.supported_reasoning_levels !== undefined) view.reasoningEfforts = reasoningLevels(info);
  return view;
}
