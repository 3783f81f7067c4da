// Every test worker's log lines go to the run's log file (scanned for secrets at the end), not the
// console; Powertools writes warnings and errors to stderr, the rest to stdout. Metrics (EMF lines,
// where a test turns them on) are log lines too. Other output passes.
import { appendFileSync } from 'node:fs';
import { logFile } from './leak-watch';

function divert(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
    if (text?.startsWith('{"level":') || text?.startsWith('{"_aws":')) {
      appendFileSync(logFile(), text);
      return true;
    }
    return write(chunk, ...rest);
  };
}

if (process.env['TEST_SCRATCH_DIR']) {
  divert(process.stdout);
  divert(process.stderr);
}
