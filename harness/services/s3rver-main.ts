/**
 * Entry of the s3rver process (`node dist/harness/services/s3rver-main.js --directory D [--port P]
 * [--bucket B] [--exit-with-parent]`). It prints one JSON line `{"ready":true,"endpoint":...,"port":...}` when it accepts
 * requests, stops on SIGTERM, and with --exit-with-parent exits when its parent goes away (stdin closes) so a killed harness
 * never leaves it behind. Killed with SIGKILL and restarted on the same directory and port, it
 * serves the same objects: that is how the nemesis takes storage down mid-run.
 */
import { parseArgs } from 'node:util';
import { startS3rverServer } from './s3rver-server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      directory: { type: 'string' },
      port: { type: 'string', default: '0' },
      address: { type: 'string', default: '127.0.0.1' },
      bucket: { type: 'string', multiple: true, default: [] },
      'exit-with-parent': { type: 'boolean', default: false },
    },
  });
  if (!values.directory) {
    process.stderr.write('s3rver-main: --directory is required\n');
    process.exit(2);
  }
  const server = await startS3rverServer({
    directory: values.directory,
    port: Number(values.port),
    address: values.address,
    buckets: values.bucket,
  });
  process.stdout.write(JSON.stringify({ ready: true, endpoint: server.endpoint, port: server.port, pid: process.pid }) + '\n');
  const stop = () => {
    server.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (values['exit-with-parent']) {
    // The parent holds our stdin pipe open; when it dies (even by SIGKILL) the pipe closes.
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
}

main().catch((err) => {
  process.stderr.write(`s3rver-main: ${(err as Error).message}\n`);
  process.exit(1);
});
