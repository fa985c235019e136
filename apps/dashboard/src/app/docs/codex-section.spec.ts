import { TestBed } from '@angular/core/testing';
import { Sanitizer } from '../core/sanitizer';
import { codexModes } from './codex-modes';
import { CodexSection } from './codex-section';

describe('Codex docs section', () => {
  function render(keysRequired = true) {
    const fixture = TestBed.createComponent(CodexSection);
    fixture.componentRef.setInput('origin', 'http://gateway.test:4010');
    fixture.componentRef.setInput('model', 'gpt-5.4');
    fixture.componentRef.setInput('keysRequired', keysRequired);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    const text = (id: string) => element.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.textContent ?? '';
    return { fixture, element, text };
  }

  it('gives one config per mode, each with this server and model, saying what it buys', () => {
    const { text } = render();
    expect(text('codex-mode-http')).toContain('base_url = "http://gateway.test:4010/v1"');
    expect(text('codex-mode-http')).toContain('model = "gpt-5.4"');
    expect(text('codex-mode-http')).not.toContain('supports_websockets');
    expect(text('codex-mode-websocket')).toContain('supports_websockets = true');
    expect(text('codex-mode-compaction')).toContain('name = "OpenAI"');
    expect(text('codex-mode-compaction')).toMatch(/exactly "OpenAI"/);
    expect(text('codex-mode-chatgpt')).toContain('base_url = "http://gateway.test:4010/backend-api/codex"');
    expect(text('codex-mode-chatgpt')).toContain('name = "OpenAI"');
    expect(text('codex-mode-chatgpt')).toContain('/status');
  });

  it('tells how to pass the key, or that none is needed', () => {
    expect(render(true).text('codex-key')).toContain('export MULTICODEX_API_KEY="<your client key>"');
    expect(render(false).text('codex-key')).toContain('requires no client key');
  });

  it('keeps the server address out of sanitized screenshots', () => {
    TestBed.inject(Sanitizer).followUrl('/docs?sanitized=1');
    const { element } = render();
    expect(element.textContent).not.toContain('gateway.test');
    expect(element.textContent).toContain('https://gateway.example/backend-api/codex');
    TestBed.inject(Sanitizer).followUrl('/docs');
  });

  it('builds configs Codex parses: every provider has the keys a custom provider needs', () => {
    for (const mode of codexModes({ origin: 'http://h', model: 'm', keysRequired: true })) {
      expect(mode.config).toMatch(/\[model_providers\.pool\]\nname = "[^"]+"\nbase_url = "http:\/\/h\/[^"]+"/);
      expect(mode.config).toContain('wire_api = "responses"');
      expect(mode.config).toContain('env_key = "MULTICODEX_API_KEY"');
    }
  });
});
