/**
 * `warckit-worker --queue redis://host:6379/0 [-j N]`: take the conversion jobs `warckit-convert
 * --queue` enqueues and run them until stopped. BullMQ is loaded only once the flags are good.
 * Ctrl-C / SIGTERM: stop taking jobs and finish the running ones; a second one stops at once
 * (those jobs go back to the queue when their lock runs out).
 */
import { availableParallelism } from 'node:os';
import yargs from 'yargs';
import { VERSION } from '../version.js';
import { FFMPEG_TOOL_OPTIONS, parseCommandLine, secondsProblem, wholeNumberProblem } from './args.js';
import { type CliIO, createLogger, ExitCode, jsonLines, processIO } from './io.js';
import { onHangup } from './signals.js';

function buildParser() {
  return yargs()
    .scriptName('warckit-worker')
    .usage(
      '$0 --queue redis://host:6379/0 [-j N]\n\nTake the conversion jobs that warckit-convert --queue puts on a Redis queue (one per source file) and run them as warckit-convert would, until stopped. The inputs, rules and output directory must be at the same paths here as on the producer (shared storage); a job whose paths are missing fails, naming them, and is tried once more, perhaps on another worker.',
    )
    .parserConfiguration({ 'boolean-negation': false })
    .option('queue', { type: 'string', describe: 'The Redis URL given to warckit-convert --queue (redis://[user:password@]host[:port][/db], rediss:// for TLS)' })
    .option('jobs', { alias: 'j', type: 'string', describe: 'Conversions to run at once (default: the number of CPU cores)' })
    .option('stall-seconds', { type: 'string', describe: 'Stop a command that prints nothing and writes nothing for this long (an encoder hung on a damaged file) and fail that conversion (default: 600)' })
    .option('lock-seconds', { type: 'string', describe: 'How long a job stays locked after its worker stops answering (killed, machine lost) before another worker takes it again (default: 30)' })
    .options(FFMPEG_TOOL_OPTIONS)
    .option('json', { type: 'boolean', describe: 'Print JSON lines on stdout (each job as it ends, warnings) instead of messages' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'Print errors only' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'Print each command (argv) as it runs' })
    .version('version', 'Show the version', `warckit-worker ${VERSION}`)
    .alias('version', 'V')
    .help('help')
    .alias('help', 'h')
    .strict()
    .example('$0 --queue redis://queue-host:6379/0', 'take jobs, as many conversions at once as there are cores')
    .example('$0 --queue redis://queue-host:6379/0 -j 2 --json', 'two at a time, JSON lines for a log collector')
    .epilogue(
      'A worker that dies mid-job (SIGKILL, machine lost) loses nothing: once its lock runs out (--lock-seconds), another worker runs the job again from the start, and the dead worker\'s partial output is removed, never used. A job that fails, or stalls, twice is reported to warckit-convert as failed.\n\nExit status: 0 stopped by Ctrl-C / SIGTERM after the running jobs finished; 2 error (bad flags, Redis not reachable); 130 stopped at once by a second Ctrl-C.',
    )
    .wrap(110)
    .exitProcess(false)
    .showHelpOnFail(false);
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const args = await parseCommandLine(buildParser(), argv, io, 'warckit-worker');
  if (typeof args === 'number') return args;
  const json = args.json ? jsonLines(io) : undefined;
  const logger = createLogger(io, args.quiet ? 'quiet' : args.verbose ? 'verbose' : 'normal', json);
  const fail = (message: string, code: number = ExitCode.error): number => {
    io.stderr.write(`warckit-worker: ${message}\n`);
    json?.write('error', { message, exitCode: code });
    return code;
  };
  const problem =
    (args.queue === undefined ? '--queue: expected the Redis URL given to warckit-convert --queue (redis://host:6379/0)' : undefined) ??
    wholeNumberProblem('--jobs', args.jobs) ??
    secondsProblem('--lock-seconds', args['lock-seconds']) ??
    secondsProblem('--stall-seconds', args['stall-seconds']);
  if (problem) return fail(`${problem}\nRun warckit-worker --help for usage.`);
  const queue = String(args.queue);
  const { redisOptions, shownUrl } = await import('../queue/connection.js');
  try {
    redisOptions(queue);
  } catch (error) {
    return fail(`--queue: ${(error as Error).message}`);
  }
  const jobs = args.jobs !== undefined ? Number(args.jobs) : availableParallelism();
  const { startWorker } = await import('../queue/worker.js');
  let worker: Awaited<ReturnType<typeof startWorker>>;
  try {
    worker = await startWorker({
      queue,
      jobs,
      ...(args['lock-seconds'] !== undefined ? { lockSeconds: Number(args['lock-seconds']) } : {}),
      ...(args['stall-seconds'] !== undefined ? { stallSeconds: Number(args['stall-seconds']) } : {}),
      ...(args.ffmpeg !== undefined ? { ffmpegPath: String(args.ffmpeg) } : {}),
      ...(args.ffprobe !== undefined ? { ffprobePath: String(args.ffprobe) } : {}),
      logger,
      onJob: ({ id, source, result, error }) => {
        const counts = result ? { converted: 0, skipped: 0, failed: 0 } : undefined;
        for (const o of result?.outcomes ?? []) if (o.status === 'converted' || o.status === 'skipped' || o.status === 'failed') counts![o.status]++;
        if (json) json.write('job', { id, source, ...(counts ?? {}), ...(error ? { error: error.message } : {}) });
        else if (error) logger.error(`${source}: job ${id} failed (${error.message})`);
        else logger.info(`${source}: ${counts!.converted} converted, ${counts!.skipped} skipped, ${counts!.failed} failed`);
      },
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  logger.info(`taking jobs from ${shownUrl(queue)}, ${jobs} at a time; Ctrl-C to stop after the running jobs`);
  let stops = 0;
  const stopped = new Promise<number>((done) => {
    const handler = (): void => {
      stops++;
      if (stops === 1) {
        logger.info('stopping: finishing the running jobs (Ctrl-C again to stop at once)');
        void worker.close().then(() => done(ExitCode.ok));
      } else void worker.kill().then(() => done(ExitCode.interrupted));
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    onHangup(handler);
  });
  const code = await stopped;
  // Stopped: nothing is left to do. With Redis gone, BullMQ's blocking connection would go on
  // trying to reconnect and keep the process alive; this timer only fires in that case.
  setTimeout(() => process.exit(code), 1000).unref();
  return code;
}
