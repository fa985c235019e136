// The state of each output item while its events stream in, and the item it makes once the stream ends.
import { stringField, withSuffix } from './events';
import { isRecord, type JsonObject } from './json';

/** One content part as streamed: its kind, the text of its deltas so far, its annotations. */
export interface PartState {
  kind: 'output_text' | 'refusal';
  text: string;
  annotations: JsonObject[];
}

/** One output item as streamed: its announcement, its final form, and the deltas in between. */
export interface ItemState {
  index: number;
  id?: string;
  added?: JsonObject;
  done?: JsonObject;
  parts: Map<number, PartState>;
  /** Function-call arguments or custom tool input, from deltas. */
  args: string;
}

function streamedParts(state: ItemState): JsonObject[] {
  return [...state.parts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, p]) =>
      p.kind === 'refusal'
        ? { type: 'refusal', refusal: p.text }
        : { type: 'output_text', text: p.text, annotations: p.annotations },
    );
}

function mergePart(part: unknown, streamed: PartState | undefined): unknown {
  if (!isRecord(part) || !streamed) return part;
  if (part['type'] === 'output_text') {
    const annotations =
      Array.isArray(part['annotations']) && part['annotations'].length > 0 ? part['annotations'] : streamed.annotations;
    return { ...part, text: withSuffix(streamed.text, stringField(part, 'text')), annotations };
  }
  if (part['type'] === 'refusal') return { ...part, refusal: withSuffix(streamed.text, stringField(part, 'refusal')) };
  return part;
}

/** One item's final form: the authoritative item when known, with streamed text kept as the prefix it was. */
export function rebuildItem(state: ItemState, final: JsonObject | undefined): JsonObject | undefined {
  const base = final ?? state.added;
  if (!base) return undefined;
  const item: JsonObject = { ...base };
  if (item['type'] === 'message') {
    const content = Array.isArray(item['content']) ? item['content'] : [];
    item['content'] =
      content.length > 0 ? content.map((part, j) => mergePart(part, state.parts.get(j))) : streamedParts(state);
  } else if (item['type'] === 'function_call') {
    item['arguments'] = withSuffix(state.args, stringField(base, 'arguments'));
  } else if (item['type'] === 'custom_tool_call') {
    item['input'] = withSuffix(state.args, stringField(base, 'input'));
  }
  return item;
}
