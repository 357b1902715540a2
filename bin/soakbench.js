#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (`npm run build` makes it; the package's
// `files` list ships it). Without it, one line saying so instead of a module-resolution stack trace.
try {
  await import('../dist/src/main.js');
} catch (err) {
  const missing = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.url ?? '').endsWith('/dist/src/main.js');
  if (!missing) throw err;
  process.stderr.write(
    `soakbench: ${new URL('../dist/src/main.js', import.meta.url).pathname} is missing: run \`npm run build\` in ${new URL('..', import.meta.url).pathname} first\n`,
  );
  process.exitCode = 1;
}
