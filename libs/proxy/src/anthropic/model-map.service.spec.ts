import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { disposeTestConfig, testConfig } from '@mcp/testing';
import { AnthropicModelMapService, MODEL_MAP_FILE, ModelMapValidationError } from './model-map.service';

describe('AnthropicModelMapService', () => {
  const config = testConfig({ ANTHROPIC_MODEL_MAP: 'opus=gpt-5.2' });
  afterAll(() => disposeTestConfig(config));

  async function started(): Promise<AnthropicModelMapService> {
    const service = new AnthropicModelMapService(config);
    await service.onModuleInit();
    return service;
  }

  it('uses ANTHROPIC_MODEL_MAP until the dashboard edits it, and the edit survives a restart', async () => {
    const first = await started();
    expect(first.map['opus']).toBe('gpt-5.2');
    expect(first.view().source).toBe('environment');
    await first.set({ Opus: 'gpt-5.3-codex', default: 'gpt-5.2-codex' }, 1234);
    const second = await started();
    expect(second.map).toEqual({ opus: 'gpt-5.3-codex', default: 'gpt-5.2-codex' });
    expect(second.view()).toMatchObject({ source: 'dashboard', updatedAt: 1234 });
    await second.reset();
    expect((await started()).view().source).toBe('environment');
  });

  it('refuses a map without a default, or with bad entries, naming them', async () => {
    const service = await started();
    await expect(service.set({ opus: 'gpt-5.2' }, 1)).rejects.toThrow(ModelMapValidationError);
    await expect(service.set({ opus: 'no spaces allowed', default: 'x' }, 1)).rejects.toThrow(/map\.opus/);
  });

  it('falls back to the environment when the stored document is unreadable', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    writeFileSync(join(config.dataDir, MODEL_MAP_FILE), '{ not json');
    const service = await started();
    expect(service.map['opus']).toBe('gpt-5.2');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ANTHROPIC_MODEL_MAP applies'));
    warn.mockRestore();
  });
});
