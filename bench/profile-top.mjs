// Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): the functions with the most
// self time, and the project functions with the most inclusive time.
// Usage: node bench/profile-top.mjs bench/profiles/<file>.cpuprofile [rows]
// The last table charges native and Node-internal time (syscalls, JSON.parse…) to the nearest
// caller in the project or a package, which shows which part of the gateway the time goes to.
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-top.mjs <file.cpuprofile> [rows]\n');
  process.exit(2);
}
const rows = Number(rowsArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function keyOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '(native)';
  return `${functionName || '(anonymous)'} ${where}`;
}

/** The project file (`libs/proxy/...`) or package (`undici`) a frame's code lives in. */
function ownerOf(url) {
  const project = /\/dist\/((?:libs|apps)\/.*)$/.exec(url);
  if (project) return project[1].replace('/src/', '/');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  return url;
}

function ownerOfSample(id) {
  const leaf = byId.get(id).callFrame;
  if (/^\((idle|program|garbage collector)\)$/.test(leaf.functionName)) return leaf.functionName;
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const { url } = byId.get(at).callFrame;
    if (url && !url.startsWith('node:')) return ownerOf(url);
  }
  return 'node internals';
}

const self = new Map();
const inclusive = new Map();
const owners = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  total += ms;
  const owner = ownerOfSample(id);
  owners.set(owner, (owners.get(owner) ?? 0) + ms);
  const leaf = byId.get(id);
  self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + ms);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const key = keyOf(byId.get(at));
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
  }
});

const idle = (key) => /^\((idle|program|garbage collector)\)/.test(key);
const print = (title, map, filter) => {
  process.stdout.write(`\n${title} (of ${total.toFixed(0)} ms sampled)\n`);
  [...map]
    .filter(([key]) => filter(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .forEach(([key, ms]) =>
      process.stdout.write(
        `${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${key}\n`,
      ),
    );
};
print('Self time', self, () => true);
print('Inclusive time, project code', inclusive, (key) => key.includes('dist/') && !idle(key));
print('Self time by file or package (native time charged to its JavaScript caller)', owners, () => true);
