import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig, validateModelMap } from '@mcp/config';
import type { AnthropicModelMap } from '@mcp/codex';
import type { AnthropicModelMapView } from '@mcp/contracts';
import { JsonDocumentStore } from '@mcp/storage';

interface StoredModelMap {
  map: Record<string, string>;
  updatedAt: number;
}

/** Thrown by `set` with one message per bad entry; the admin route answers 400 with them. */
export class ModelMapValidationError extends Error {
  constructor(readonly problems: Record<string, string>) {
    super(
      Object.entries(problems)
        .map(([key, problem]) => `map.${key}: ${problem}`)
        .join('; '),
    );
    this.name = 'ModelMapValidationError';
  }
}

export const MODEL_MAP_FILE = 'anthropic-model-map.json';

/**
 * The model map in force: ANTHROPIC_MODEL_MAP (over its defaults), replaced by the dashboard's edit when there is
 * one. The edit is a small JSON document under DATA_DIR, written atomically; with STORAGE=postgres it is still that
 * file, per replica (set ANTHROPIC_MODEL_MAP for a fleet-wide map).
 */
@Injectable()
export class AnthropicModelMapService implements OnModuleInit {
  private readonly logger = new Logger('AnthropicModelMap');
  private readonly store: JsonDocumentStore<StoredModelMap>;
  private stored: StoredModelMap | undefined;

  constructor(private readonly config: AppConfig) {
    this.store = new JsonDocumentStore(join(config.dataDir, MODEL_MAP_FILE));
  }

  async onModuleInit(): Promise<void> {
    try {
      const doc = await this.store.read();
      const checked = doc && typeof doc.map === 'object' ? validateModelMap(doc.map) : undefined;
      if (checked?.map && Object.keys(checked.map).length > 0)
        this.stored = { map: checked.map, updatedAt: Number(doc?.updatedAt) || 0 };
      else if (doc && !checked?.map)
        this.logger.warn(`${this.store.path} is not a valid model map: ANTHROPIC_MODEL_MAP applies`);
    } catch (error) {
      this.logger.warn(
        `${this.store.path} could not be read (${(error as Error).message}): ANTHROPIC_MODEL_MAP applies (fix or delete the file to edit the map from the dashboard again)`,
      );
    }
  }

  get map(): AnthropicModelMap {
    return this.stored?.map ?? this.config.anthropicModelMap;
  }

  view(): AnthropicModelMapView {
    return {
      map: { ...this.map },
      source: this.stored ? 'dashboard' : 'environment',
      environment: { ...this.config.anthropicModelMap },
      updatedAt: this.stored?.updatedAt ?? null,
    };
  }

  async set(entries: Record<string, unknown>, now: number): Promise<AnthropicModelMapView> {
    const checked = validateModelMap(entries);
    if (!checked.map) throw new ModelMapValidationError(checked.problems);
    if (!('default' in checked.map)) throw new ModelMapValidationError({ default: 'a default model is required' });
    const next = { map: checked.map, updatedAt: now };
    await this.store.write(next);
    this.stored = next;
    return this.view();
  }

  /** Back to ANTHROPIC_MODEL_MAP: an empty stored map means "no edit". */
  async reset(): Promise<AnthropicModelMapView> {
    await this.store.write({ map: {}, updatedAt: 0 });
    this.stored = undefined;
    return this.view();
  }
}
