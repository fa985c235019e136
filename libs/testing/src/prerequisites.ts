import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The outside programs some suites need. Each is found the way `.ci/run` installs it; where it is missing a
 * suite is skipped with one line saying what and how to get it, except under CI (CI=true), where a missing
 * prerequisite fails the run: CI must never pass by skipping.
 */
export type Prerequisite = 'codex' | 'claude' | 'python' | 'chromium' | 'postgres';

interface Finder {
  what: string;
  howToGet: string;
  find(): string | undefined;
}

const CACHE = join(homedir(), '.cache', 'multicodex-ci');

/** The newest `<prefix>*` folder in the CI cache that holds `relative`. */
function fromCache(prefix: string, relative: string): string | undefined {
  if (!existsSync(CACHE)) return undefined;
  const found = readdirSync(CACHE)
    .filter((d) => d.startsWith(prefix))
    .sort()
    .reverse()
    .map((d) => join(CACHE, d, relative));
  return found.find((p) => existsSync(p));
}

function fromEnv(name: string): string | undefined {
  const value = process.env[name];
  return value && existsSync(value) ? value : undefined;
}

const FINDERS: Record<Prerequisite, Finder> = {
  codex: {
    what: 'the Codex CLI',
    howToGet: 'set CODEX_BIN, or run .ci/run (it installs the pinned @openai/codex into ~/.cache/multicodex-ci)',
    find: () => fromEnv('CODEX_BIN') ?? fromCache('codex-', join('node_modules', '.bin', 'codex')),
  },
  claude: {
    what: 'the Claude Code CLI',
    howToGet:
      'set CLAUDE_BIN, or run .ci/run (it installs the pinned @anthropic-ai/claude-code into ~/.cache/multicodex-ci)',
    find: () => fromEnv('CLAUDE_BIN') ?? fromCache('claude-code-', join('node_modules', '.bin', 'claude')),
  },
  python: {
    what: 'a Python with the openai package',
    howToGet:
      'set PYTHON_CLIENTS to such a python, or run .ci/run (it prepares a virtualenv in ~/.cache/multicodex-ci)',
    find: () => fromEnv('PYTHON_CLIENTS') ?? fromCache('py-openai-', join('bin', 'python')),
  },
  chromium: {
    what: 'Chromium',
    howToGet: 'apt-get install chromium, or set CHROMIUM_PATH',
    find: () => fromEnv('CHROMIUM_PATH') ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
  },
  postgres: {
    what: 'PostgreSQL server binaries (initdb)',
    howToGet: 'apt-get install postgresql',
    find: () => {
      const base = '/usr/lib/postgresql';
      if (!existsSync(base)) return undefined;
      return readdirSync(base)
        .map((v) => join(base, v, 'bin'))
        .find((bin) => existsSync(join(bin, 'initdb')));
    },
  },
};

export interface PrerequisiteStatus {
  name: Prerequisite;
  what: string;
  howToGet: string;
  /** Where it was found; undefined when it is missing. */
  path: string | undefined;
}

/** Every prerequisite and where it was found: `npm test` (scripts/test.mjs) lists the missing ones before Jest. */
export function prerequisiteReport(): PrerequisiteStatus[] {
  return (Object.keys(FINDERS) as Prerequisite[]).map((name) => {
    const { what, howToGet, find } = FINDERS[name];
    return { name, what, howToGet, path: find() };
  });
}

const reported = new Set<string>();

/**
 * The path of a prerequisite (a binary, or a bin folder for PostgreSQL), or undefined after printing one line
 * naming the suite that is skipped and how to get what it needs. Under CI=true a missing one throws instead.
 */
export function prerequisite(name: Prerequisite, suite: string): string | undefined {
  const finder = FINDERS[name];
  const found = finder.find();
  if (found) return found;
  const line = `SKIPPED: ${suite}: ${finder.what} is not installed (${finder.howToGet})`;
  if (process.env['CI'] === 'true') throw new Error(`${line}. CI must run every suite.`);
  if (!reported.has(line)) {
    reported.add(line);
    console.warn(line);
  }
  return undefined;
}

/** `describe` when the prerequisite is there, `describe.skip` (after saying why) when it is not. */
export function describeWith(name: Prerequisite, suite: string): jest.Describe {
  return prerequisite(name, suite) ? describe : describe.skip;
}
