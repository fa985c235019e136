import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AnthropicModelMapView } from '@mcp/contracts';
import { ClaudeCodeSection } from './claude-code-section';
import { claudeCodeEnv, mapRows, rowsToMap } from './claude-code-snippets';

const VIEW: AnthropicModelMapView = {
  map: { default: 'gpt-5.3-codex', haiku: 'gpt-5.1-codex-mini', opus: 'gpt-5.3-codex', sonnet: 'gpt-5.3-codex' },
  source: 'environment',
  environment: { default: 'gpt-5.3-codex' },
  updatedAt: null,
};

const tick = () => new Promise((resolve) => setTimeout(resolve));

describe('Claude Code docs section', () => {
  function setup() {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    const backend = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(ClaudeCodeSection);
    fixture.componentRef.setInput('origin', 'http://gateway.test:4010');
    fixture.componentRef.setInput('keysRequired', true);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    const byId = (id: string) => element.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
    return { backend, fixture, element, byId };
  }

  it('shows the environment Claude Code needs, with this server’s address', async () => {
    const { backend, byId } = setup();
    backend.expectOne('/admin/anthropic/model-map').flush(VIEW);
    await tick();
    const text = byId('snippet-claude-code').textContent!;
    expect(text).toContain('export ANTHROPIC_BASE_URL=http://gateway.test:4010');
    expect(text).toContain('ANTHROPIC_API_KEY=<your client key>');
    expect(text).toContain('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1');
    expect(text).toContain('claude -p');
  });

  it('edits the model map and saves it', async () => {
    const { backend, fixture, byId } = setup();
    backend.expectOne('/admin/anthropic/model-map').flush(VIEW);
    await tick();
    fixture.detectChanges();
    expect((byId('claude-map-key-0') as HTMLInputElement).value).toBe('opus');
    expect(byId('claude-map-source').textContent).toBe('ANTHROPIC_MODEL_MAP');
    const model = byId('claude-map-model-0') as HTMLInputElement;
    model.value = 'gpt-5.4';
    model.dispatchEvent(new Event('input'));
    byId('claude-map-save').click();
    const put = backend.expectOne({ method: 'PUT', url: '/admin/anthropic/model-map' });
    expect(put.request.body).toEqual({ map: { ...VIEW.map, opus: 'gpt-5.4' } });
    put.flush({ ...VIEW, map: { ...VIEW.map, opus: 'gpt-5.4' }, source: 'dashboard' });
    await tick();
    fixture.detectChanges();
    expect(byId('claude-map-saved').textContent).toContain('Saved');
    expect(byId('claude-map-source').textContent).toBe('edited here');
  });

  it('shows the server’s field errors when a save is refused', async () => {
    const { backend, fixture, element, byId } = setup();
    backend.expectOne('/admin/anthropic/model-map').flush(VIEW);
    await tick();
    fixture.detectChanges();
    byId('claude-map-save').click();
    backend
      .expectOne({ method: 'PUT', url: '/admin/anthropic/model-map' })
      .flush(
        { statusCode: 400, message: ['map.opus: the value must be a Codex model id'], error: 'Bad Request' },
        { status: 400, statusText: 'Bad Request' },
      );
    await tick();
    fixture.detectChanges();
    expect(element.textContent).toContain('map.opus: the value must be a Codex model id');
  });

  it('orders rows like the rules apply and drops blank ones on save', () => {
    expect(mapRows({ default: 'a', 'claude-x': 'b', haiku: 'c', opus: 'd' }).map((r) => r.key)).toEqual([
      'claude-x',
      'opus',
      'haiku',
      'default',
    ]);
    expect(
      rowsToMap([
        { key: ' opus ', model: 'gpt-5.4 ' },
        { key: '', model: '' },
      ]),
    ).toEqual({ opus: 'gpt-5.4' });
    expect(claudeCodeEnv({ origin: 'http://x', keysRequired: false })).toContain('ANTHROPIC_API_KEY=any-value');
  });
});
