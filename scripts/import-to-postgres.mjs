// `node scripts/import-to-postgres.mjs [--force]`: copies the file data directory (DATA_DIR) into the
// PostgreSQL database at DATABASE_URL, once, before starting replicas with STORAGE=postgres.
// Builds the proxy first if needed (the importer is compiled with it), then runs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, root } from './build-state.mjs';

ensureBuilt(['proxy']);
const entry = join(root, 'dist/libs/postgres/src/cli/import-to-postgres.js');
const run = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(run.status ?? 1);
