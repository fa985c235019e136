// `npm start`: build what changed, then serve the proxy and dashboard (PORT, default 4010; data in ./data).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, root } from './build-state.mjs';
import { withLaunchEnv } from './launch-env.mjs';

ensureBuilt(['proxy', 'dashboard']);
const child = spawn(process.execPath, [join(root, 'dist/apps/proxy/src/main.js')], {
  stdio: 'inherit',
  cwd: root,
  env: withLaunchEnv(),
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
