import fc from 'fast-check';

/**
 * JSON texts as an upstream might write them: the same values JSON.stringify would write, but with whitespace between
 * tokens, other escapes, other spellings of numbers and repeated member names, each chosen by a list of draws.
 */

/** Characters whose spelling matters: escapes, controls, separators, surrogates (lone or paired), non-ASCII. */
const TRICKY = [
  '"',
  '\\',
  '/',
  '\n',
  '\r',
  '\t',
  '\b',
  '\f',
  '\u0000',
  '\u000b',
  '\u001f',
  '\u007f',
  '\u2028',
  '\ud800',
  '\udfff',
  'é',
  '😀',
  ' ',
];

const unit = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));

/** Any JSON value, its strings (and member names) full of characters whose spelling matters. */
export const trickyJson = fc.jsonValue({ maxDepth: 4, stringUnit: unit });

/** Draws: which spelling each token takes (below 16 the canonical one; `[0]` spells the whole text canonically). */
export const draws = fc.oneof(fc.constant([0]), fc.array(fc.nat({ max: 23 }), { minLength: 1, maxLength: 64 }));

class Speller {
  private at = 0;

  constructor(private readonly draws: readonly number[]) {}

  /** The next draw: 0 (JSON.stringify's choice) most of the time, a variant otherwise. */
  private draw(): number {
    const value = this.draws[this.at % this.draws.length] ?? 0;
    this.at += 1;
    return value < 16 ? 0 : value - 15;
  }

  private space(): string {
    return ['', '', ' ', '\n', '\t', '\r\n', '  ', ' ', ''][this.draw()] ?? '';
  }

  value(value: unknown): string {
    if (typeof value === 'string') return this.string(value);
    if (typeof value === 'number') return this.number(value);
    if (Array.isArray(value)) return `[${this.space()}${value.map((v) => this.value(v)).join(`${this.space()},`)}]`;
    if (value !== null && typeof value === 'object') return this.object(value as Record<string, unknown>);
    return JSON.stringify(value);
  }

  private object(value: Record<string, unknown>): string {
    const members = Object.entries(value).map(([key, member]) => {
      const spelled = `${this.string(key)}${this.space()}:${this.space()}${this.value(member)}`;
      // A member written twice: the parse keeps the first place and the last value.
      return this.draw() === 3 ? `${this.string(key)}:0,${spelled}` : spelled;
    });
    return `{${this.space()}${members.join(`,${this.space()}`)}${this.space()}}`;
  }

  private string(value: string): string {
    let out = '"';
    for (let i = 0; i < value.length; i += 1) {
      const char = value.charAt(i);
      const code = value.charCodeAt(i);
      const choice = this.draw();
      const hex = code.toString(16).padStart(4, '0');
      if (choice === 1) out += `\\u${hex}`;
      else if (choice === 2) out += `\\u${hex.toUpperCase()}`;
      else if (choice === 3 && char === '/') out += '\\/';
      else if (choice === 4 && code >= 0xd800 && code <= 0xdfff) out += char;
      else out += JSON.stringify(char).slice(1, -1);
    }
    return `${out}"`;
  }

  private number(value: number): string {
    const text = JSON.stringify(value);
    const choice = this.draw();
    if (choice === 1 && value === 0) return '-0';
    if (choice === 2 && Number.isInteger(value) && !text.includes('e')) return `${text}.0`;
    if (choice === 3 && !text.includes('e')) return `${text}e0`;
    if (choice === 4 && text.includes('.') && !text.includes('e')) return `${text}0`;
    if (choice === 5) return text.toUpperCase();
    return text;
  }
}

/** A JSON text of `value`, spelled as `draws` choose. */
export function spell(value: unknown, draws: readonly number[]): string {
  return new Speller(draws).value(value);
}
