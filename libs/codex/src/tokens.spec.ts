import { chatUsage, normalizeUsage, responsesUsage } from './tokens';

describe('normalizeUsage (§3.4)', () => {
  it('reads counts with their subsets', () => {
    expect(
      normalizeUsage({
        input_tokens: 1200,
        input_tokens_details: { cached_tokens: 1024 },
        output_tokens: 300,
        output_tokens_details: { reasoning_tokens: 192 },
        total_tokens: 1500,
      }),
    ).toEqual({
      input: 1200,
      cached: 1024,
      output: 300,
      reasoning: 192,
      total: 1500,
    });
  });

  it('counts missing details as 0, a missing total as input + output, and caps subsets', () => {
    expect(normalizeUsage({ input_tokens: 10, output_tokens: 5 })).toEqual({
      input: 10,
      cached: 0,
      output: 5,
      reasoning: 0,
      total: 15,
    });
    expect(
      normalizeUsage({ input_tokens: 10, input_tokens_details: { cached_tokens: 50 }, output_tokens: -3 }),
    ).toMatchObject({ cached: 10, output: 0 });
    expect(normalizeUsage(null)).toBeUndefined();
  });

  it('renders Chat and Responses usage shapes (§5.5)', () => {
    const t = { input: 3, cached: 1, output: 2, reasoning: 1, total: 5 };
    expect(chatUsage(t)).toEqual({
      prompt_tokens: 3,
      completion_tokens: 2,
      total_tokens: 5,
      prompt_tokens_details: { cached_tokens: 1 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
    expect(normalizeUsage(responsesUsage(t))).toEqual(t);
  });
});
