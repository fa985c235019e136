// `node scripts/import-to-postgres.mjs [--force]`: copies the file data directory (DATA_DIR) into the
// PostgreSQL database at DATABASE_URL, once, before starting replicas with STORAGE=postgres.
// The importer is part of the proxy build (libs/postgres): build it if needed, then run it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureBuilt, root } from './build-state.mjs';

ensureBuilt(['proxy']);
const entry = join(root, 'dist/libs/postgres/src/index.js');
if (!existsSync(entry)) {
  process.stderr.write('The proxy build has no PostgreSQL support (dist/libs/postgres is missing).\n');
  process.exit(1);
}
const require = createRequire(import.meta.url);
require('reflect-metadata');
const { runImportCli } = require(entry);
const code = await runImportCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exit(code);
