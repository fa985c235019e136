import {
  buildModelList,
  catalogueHints,
  isListed,
  parseModelCatalogue,
  reasoningLevels,
  toOpenAiModel,
  type NativeModelInfo,
} from './models';

const FIRST_SEEN_MS = 1_730_000_000_000;
const firstSeen = () => FIRST_SEEN_MS;

const CODEX: NativeModelInfo = {
  slug: 'gpt-5.3-codex',
  display_name: 'GPT-5.3 Codex',
  default_reasoning_level: 'medium',
  supported_reasoning_levels: [
    { effort: 'low', description: 'fast' },
    { effort: 'medium' },
    { effort: 'high' },
    { effort: 'xhigh' },
  ],
  visibility: 'list',
  apply_patch_tool_type: 'freeform',
  context_window: 272000,
  experimental_supported_tools: ['web_search', 'local_shell'],
  input_modalities: ['text', 'image'],
  support_verbosity: false,
  base_instructions: 'secret sauce',
};
const HIDDEN: NativeModelInfo = { slug: 'internal', visibility: 'hide' };
const NONE: NativeModelInfo = { slug: 'gone', visibility: 'none' };

describe('toOpenAiModel (§9.3)', () => {
  it('maps a catalogue entry to the contractual shape', () => {
    expect(toOpenAiModel(CODEX, FIRST_SEEN_MS)).toEqual({
      id: 'gpt-5.3-codex',
      object: 'model',
      created: 1_730_000_000,
      owned_by: 'multicodex-proxy',
      metadata: {
        context_window: 272000,
        max_output_tokens: null,
        supports_reasoning: true,
        supports_tools: true,
        supported_tool_types: ['function', 'custom', 'web_search', 'local_shell'],
        display_name: 'GPT-5.3 Codex',
        default_reasoning_effort: 'medium',
        reasoning_efforts: ['low', 'medium', 'high', 'xhigh'],
        input_modalities: ['text', 'image'],
        supports_verbosity: false,
      },
    });
  });

  it('gives a bare fallback id null metadata where unknown, and infers reasoning from the id', () => {
    const model = toOpenAiModel('gpt-5-codex', 1_730_000_000);
    expect(model.created).toBe(1_730_000_000);
    expect(model.metadata).toMatchObject({
      context_window: null,
      max_output_tokens: null,
      supports_reasoning: true,
      supported_tool_types: ['function'],
      display_name: 'gpt-5-codex',
      default_reasoning_effort: null,
      input_modalities: null,
    });
    expect(toOpenAiModel('o-something', 1).metadata.supports_reasoning).toBe(false);
  });

  it('says a catalogue model with no reasoning levels does not support reasoning', () => {
    expect(toOpenAiModel({ slug: 'gpt-5-thing', supported_reasoning_levels: [] }, 1).metadata.supports_reasoning).toBe(
      false,
    );
  });
});

describe('buildModelList', () => {
  it('lists visible catalogue models in data and the whole native catalogue in models', () => {
    const list = buildModelList({ catalogue: [CODEX, HIDDEN, NONE], fallbackIds: ['x'], firstSeen });
    expect(list.object).toBe('list');
    expect(list.data.map((m) => m.id)).toEqual(['gpt-5.3-codex']);
    expect(list.models).toEqual([CODEX, HIDDEN, NONE]);
  });

  it('uses the fallback ids when discovery produced nothing', () => {
    const list = buildModelList({
      catalogue: [],
      fallbackIds: ['gpt-5.3-codex', 'gpt-5-codex'],
      firstSeen,
      accountIds: new Map([['gpt-5-codex', []]]),
    });
    expect(list.data.map((m) => m.id)).toEqual(['gpt-5.3-codex', 'gpt-5-codex']);
    expect(list.models).toEqual([]);
  });

  it('leaves out a catalogue model that no account can serve any more', () => {
    const other: NativeModelInfo = { slug: 'gpt-5.2-codex' };
    const list = buildModelList({
      catalogue: [CODEX, other],
      fallbackIds: [],
      firstSeen,
      accountIds: new Map([
        ['gpt-5.3-codex', []],
        ['gpt-5.2-codex', ['acc_1']],
      ]),
    });
    expect(list.data.map((m) => m.id)).toEqual(['gpt-5.2-codex']);
  });
});

describe('catalogue helpers', () => {
  it('parseModelCatalogue keeps entries with a slug', () => {
    expect(parseModelCatalogue({ models: [CODEX, { display_name: 'no slug' }, 'x', { slug: '' }] })).toEqual([CODEX]);
    expect(parseModelCatalogue('garbage')).toEqual([]);
  });

  it('reasoningLevels, catalogueHints and isListed', () => {
    expect(reasoningLevels({ supported_reasoning_levels: ['low', { effort: 'high' }] })).toEqual(['low', 'high']);
    expect(catalogueHints(CODEX)).toEqual({
      supportedReasoningLevels: ['low', 'medium', 'high', 'xhigh'],
      supportVerbosity: false,
    });
    expect(catalogueHints(undefined)).toBeUndefined();
    expect([CODEX, HIDDEN, NONE, { slug: 'x' }].map(isListed)).toEqual([true, false, false, true]);
  });
});
