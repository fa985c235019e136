// The entry point (`node dist/apps/proxy/src/main.js`, the image's CMD). Everything is loaded inside the try,
// so even a missing production dependency ends in one line rather than a module-loader stack.
async function main(): Promise<void> {
  (await import('./heap-growth')).tuneHeapGrowth();
  await import('reflect-metadata');
  const { reportStartupFailure, serve } = await import('./serve');
  try {
    await serve();
  } catch (error) {
    reportStartupFailure(error);
    process.exit(1);
  }
}

void main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'MODULE_NOT_FOUND';
  const hint = missing ? ': the installed dependencies are incomplete (reinstall them: npm ci --omit=dev)' : '';
  process.stderr.write(`Cannot start: ${message}${hint}\n`);
  process.exit(1);
});
