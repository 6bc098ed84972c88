// What every command-line tool does first: the current directory is checked before anything
// loads (the argument parser asks for it as it loads, and would die with a stack trace), then
// the tool's bundle runs.
export async function launch(name) {
  try {
    process.cwd();
  } catch {
    process.stderr.write(`${name}: the current directory no longer exists (it was removed): change to one that does\n`);
    process.exit(2);
  }
  const { main } = await import(`../dist/cli/${name}.js`);
  process.exitCode = await main(process.argv.slice(2));
}
