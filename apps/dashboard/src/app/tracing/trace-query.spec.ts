import { EMPTY_FILTERS, activeFilterCount, toTraceFilters } from './trace-query';

const NOW = 1_800_000_000_000;

describe('trace filters', () => {
  it('turns the filter bar into the query of GET /admin/traces', () => {
    const filters = toTraceFilters(
      { range: '1h', accountId: 'acc_1', route: '/v1/responses', model: ' gpt-5.3-codex ', errorsOnly: true },
      NOW,
    );
    expect(filters).toEqual({
      sinceMs: NOW - 3_600_000,
      accountId: 'acc_1',
      route: '/v1/responses',
      model: 'gpt-5.3-codex',
      isError: true,
    });
  });

  it('sends nothing for "any" and no time bound for all retained traces', () => {
    expect(toTraceFilters({ ...EMPTY_FILTERS, range: 'all' }, NOW)).toEqual({});
    expect(toTraceFilters(EMPTY_FILTERS, NOW)).toEqual({ sinceMs: NOW - 86_400_000 });
  });

  it('counts the filters that narrow the listing', () => {
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount({ ...EMPTY_FILTERS, range: 'all' })).toBe(1);
    expect(activeFilterCount({ range: '7d', accountId: 'a', route: '', model: 'm', errorsOnly: true })).toBe(4);
  });
});
