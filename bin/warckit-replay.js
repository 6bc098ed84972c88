#!/usr/bin/env node
// Checked before anything loads: the argument parser asks for the current directory as it loads.
try {
  process.cwd();
} catch {
  process.stderr.write('warckit-replay: the current directory no longer exists (it was removed): change to one that does\n');
  process.exit(2);
}
const { main } = await import('../dist/cli/warckit-replay.js');
process.exitCode = await main(process.argv.slice(2));
