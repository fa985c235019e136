import { readFileSync } from 'node:fs';

/** One instruction of a Dockerfile, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

/** The stages of a Dockerfile in order (comments and blank lines dropped, `\` continuations joined). */
export function parseDockerfile(path: string): Stage[] {
  const joined = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n\s*/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*\S)\s*$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      stages.push({ name: /\sAS\s+(\S+)/i.exec(args)?.[1], instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (!current) throw new Error(`${path}: ${keyword} before the first FROM`);
    current.instructions.push({ keyword, args });
  }
  return stages;
}

/** `KEY=value KEY2=value2` (the only ENV form the Dockerfile uses; quotes are not needed there). */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of args.split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`ENV ${args}: write KEY=value pairs`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** The exec form `["node", "main.js"]`, which is what CMD and HEALTHCHECK CMD must use (no shell in between). */
export function parseExecForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`${args}: use the exec form ["program", "arg", …]`);
  }
  return parsed as string[];
}

export interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): Copy {
  const words = args.split(/\s+/);
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
    else throw new Error(`COPY ${args}: the production-layout test does not know ${flag}`);
  }
  const destination = words.pop();
  if (!destination || words.length === 0) throw new Error(`COPY ${args}: needs a source and a destination`);
  return { from, sources: words, destination };
}
