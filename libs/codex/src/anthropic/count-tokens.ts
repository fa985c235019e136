import { isRecord } from '../json';
import type { AnthropicTranslation } from './request';

/** About four characters of English or code per token, the usual rule of thumb for GPT tokenizers. */
const CHARS_PER_TOKEN = 4;
/** A flat charge per image: its base64 bytes say little about its token cost. */
const TOKENS_PER_IMAGE = 1_000;

function measure(value: unknown, acc: { chars: number; images: number }): void {
  if (typeof value === 'string') {
    acc.chars += value.length;
    return;
  }
  if (Array.isArray(value)) {
    for (const entry of value) measure(entry, acc);
    return;
  }
  if (!isRecord(value)) return;
  if (value['type'] === 'input_image' || value['type'] === 'input_file') {
    acc.images += 1;
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    acc.chars += key.length;
    measure(entry, acc);
  }
}

/**
 * `POST /v1/messages/count_tokens`: an ESTIMATE of the prompt's input tokens, not a tokenizer count (the upstream
 * has no counting endpoint). It measures the translated request (instructions, input items, tool schemas) at about
 * four characters per token, plus a flat charge per image or file. Good enough for a client's context-window
 * bookkeeping; never use it for billing.
 */
export function estimateInputTokens(translation: Pick<AnthropicTranslation, 'body'>): number {
  const acc = { chars: 0, images: 0 };
  const { instructions, input, tools } = translation.body;
  measure([instructions, input, tools], acc);
  return Math.ceil(acc.chars / CHARS_PER_TOKEN) + acc.images * TOKENS_PER_IMAGE;
}
