// Usage: node scripts/ensure-built.mjs [proxy|fake|dashboard|all]...
import { ensureBuilt, TARGETS } from './build-state.mjs';

const asked = process.argv.slice(2);
const names = asked.length === 0 || asked.includes('all') ? Object.keys(TARGETS) : asked;
ensureBuilt(names);
