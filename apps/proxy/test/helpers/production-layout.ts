import { execSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseCopy, parseDockerfile, parseEnv, parseExecForm, type Stage } from './dockerfile';
import { ensureBuilt, ROOT } from './processes';

/** The unprivileged user the layout runs as when the test runs as root (`USER node` in the image). */
const UNPRIVILEGED = { uid: 65534, gid: 65534 };

/** The Dockerfile's final stage laid out on this machine, ready to run as the image would. */
export interface ProductionLayout {
  /** The final stage's WORKDIR (`/app`), on this machine. */
  appDir: string;
  /** The image's ENV, with container paths (`DATA_DIR=/data`) mapped into the layout. */
  env: Record<string, string>;
  /** CMD, with `node` replaced by this Node binary. */
  cmd: string[];
  /** HEALTHCHECK CMD, the same way. */
  healthcheck: string[] | undefined;
  /** How to run a command as the image's USER: a prefix (setpriv to `nobody` when we are root, else nothing). */
  asUser: string[];
  cleanup(): void;
}

const BUILD_COMMANDS: Record<string, 'proxy' | 'fake' | 'dashboard'> = {
  'npx nest build proxy': 'proxy',
  'npx nest build fake-chatgpt': 'fake',
  'npx ng build dashboard': 'dashboard',
};

/** A stage whose RUN lines are builds: on this machine that is the repository itself after `ensure-built`. */
function buildStageTargets(stage: Stage): ('proxy' | 'fake' | 'dashboard')[] | undefined {
  const commands = stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) => i.args.split('&&').map((c) => c.trim()));
  const builds = commands.filter((c) => c in BUILD_COMMANDS);
  if (builds.length === 0) return undefined;
  const unknown = commands.filter((c) => !(c in BUILD_COMMANDS) && !c.startsWith('npm ci'));
  if (unknown.length > 0) throw new Error(`Build stage runs ${unknown.join(', ')}: teach production-layout.ts`);
  return builds.map((c) => BUILD_COMMANDS[c]!);
}

/**
 * Runs a dependency stage for real in `dir`: its COPY lines from the repository, its RUN lines in its WORKDIR
 * (npm from the lockfile, offline when the cache has everything). Returns where its `/` is.
 */
function materializeStage(stage: Stage, dir: string): string {
  let workdir = '/';
  for (const { keyword, args } of stage.instructions) {
    const here = join(dir, workdir);
    if (keyword === 'WORKDIR') {
      workdir = args;
      mkdirSync(join(dir, workdir), { recursive: true });
    } else if (keyword === 'COPY') {
      const copy = parseCopy(args);
      if (copy.from) throw new Error(`Stage ${stage.name}: COPY --from inside a dependency stage is not supported`);
      for (const source of copy.sources) cpSync(join(ROOT, source), destination(here, copy.destination, source));
    } else if (keyword === 'RUN') {
      execSync(args, {
        cwd: here,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
      });
    } else if (keyword !== 'ENV') {
      throw new Error(`Stage ${stage.name}: ${keyword} is not supported by production-layout.ts`);
    }
  }
  return dir;
}

function destination(base: string, dest: string, source: string): string {
  const intoDir = dest === '.' || dest.endsWith('/');
  return intoDir ? join(base, dest, basename(source)) : join(base, dest);
}

/** `mkdir -p X && chown user:group X`: the only RUN the final stage has (it prepares the data volume). */
function dataDirRun(args: string): string {
  const match = /^mkdir -p (\/\S+) && chown \S+ \1$/.exec(args.trim());
  if (!match) throw new Error(`Final stage RUN "${args}": teach production-layout.ts what it does`);
  return match[1]!;
}

interface StageSource {
  /** A build stage is the repository itself (after ensure-built); a dependency stage was run in a temp dir. */
  built: boolean;
  resolve(path: string): string;
}

function stageSource(stages: Stage[], name: string, root: string): StageSource {
  const stage = stages.find((s) => s.name === name);
  if (!stage) throw new Error(`COPY --from=${name}: no such stage`);
  const targets = buildStageTargets(stage);
  if (!targets) {
    const dir = materializeStage(stage, join(root, `.stage-${name}`));
    return { built: false, resolve: (path) => join(dir, path) };
  }
  ensureBuilt(...targets);
  const workdir = stage.instructions.find((i) => i.keyword === 'WORKDIR')?.args ?? '/';
  return {
    built: true,
    resolve: (path) => {
      if (!path.startsWith(`${workdir}/`)) throw new Error(`COPY --from=${name} ${path}: outside ${workdir}`);
      return join(ROOT, path.slice(workdir.length + 1));
    },
  };
}

/** Lays out the Dockerfile's final stage under a temp dir; each line of the stage is read from the Dockerfile. */
export function buildProductionLayout(): ProductionLayout {
  const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
  const root = mkdtempSync(join(tmpdir(), 'mcp-layout-'));
  chmodSync(root, 0o755);
  try {
    return layOutFinalStage(stages, root);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

function layOutFinalStage(stages: Stage[], root: string): ProductionLayout {
  const final = stages[stages.length - 1]!;
  const sources = new Map<string, StageSource>();
  const source = (name: string): StageSource => {
    if (!sources.has(name)) sources.set(name, stageSource(stages, name, root));
    return sources.get(name)!;
  };

  let workdir = '/';
  const env: Record<string, string> = {};
  const volumes: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  let user: string | undefined;
  for (const { keyword, args } of final.instructions) {
    if (keyword === 'ENV') Object.assign(env, parseEnv(args));
    else if (keyword === 'WORKDIR') mkdirSync(join(root, (workdir = args)), { recursive: true });
    else if (keyword === 'COPY') {
      const copy = parseCopy(args);
      for (const path of copy.sources) {
        const to = destination(join(root, workdir), copy.destination, path);
        mkdirSync(join(to, '..'), { recursive: true });
        const from = copy.from ? source(copy.from) : undefined;
        if (from && !from.built)
          renameSync(from.resolve(path), to); // node_modules: moved, not copied
        else cpSync(from ? from.resolve(path) : join(ROOT, path), to, { recursive: true });
      }
    } else if (keyword === 'RUN') volumes.push(dataDirRun(args));
    else if (keyword === 'USER') user = args;
    else if (keyword === 'CMD') cmd = parseExecForm(args);
    else if (keyword === 'HEALTHCHECK') healthcheck = parseExecForm(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
    else if (keyword !== 'VOLUME' && keyword !== 'EXPOSE') throw new Error(`Final stage ${keyword}: not supported`);
  }
  return finish(root, workdir, env, volumes, cmd, healthcheck, user);
}

function finish(
  root: string,
  workdir: string,
  imageEnv: Record<string, string>,
  volumes: string[],
  cmd: string[],
  healthcheck: string[] | undefined,
  user: string | undefined,
): ProductionLayout {
  const env = { ...imageEnv };
  // Container paths in ENV (DATA_DIR=/data) point into the layout.
  for (const [key, value] of Object.entries(env)) if (volumes.includes(value)) env[key] = join(root, value);
  const isRoot = process.getuid?.() === 0;
  for (const volume of volumes) {
    mkdirSync(join(root, volume), { recursive: true });
    if (user && isRoot) chownSync(join(root, volume), UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  }
  const node = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);
  const asUser =
    user && isRoot
      ? ['setpriv', `--reuid=${UNPRIVILEGED.uid}`, `--regid=${UNPRIVILEGED.gid}`, '--clear-groups', '--']
      : [];
  return {
    appDir: join(root, workdir),
    env,
    cmd: node(cmd),
    healthcheck: healthcheck && node(healthcheck),
    asUser,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
