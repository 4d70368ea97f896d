// `kindling serve`: an OpenAI-compatible HTTP server over a model folder (see docs/serve.md).
import type { Command } from 'commander';
import { BASE_HELP, parseIntOption } from '../options.js';

export function registerServe(program: Command): Command {
  return program
    .command('serve')
    .summary('serve a model folder over an OpenAI-compatible HTTP API')
    .description(
      'serve a model folder over an OpenAI-compatible HTTP API: /v1/models, /v1/completions, /v1/chat/completions ' +
        '(plus /health and /metrics), streamed with stream: true; new requests join the running decode loop between steps ' +
        '(continuous batching) and leave it when their client disconnects; SIGINT/SIGTERM finish in-flight requests, then exit',
    )
    .requiredOption('--model <dir>', 'model folder (config.json, safetensors, tokenizer files) or PEFT adapter folder')
    .option('--base <dir>', BASE_HELP)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--port <n>',
      'port (0 = any free port; the chosen one is printed)',
      parseIntOption('--port', 0, 65535),
      8000,
    )
    .option('--max-batch <n>', 'most sequences (prompts × n) decoded together', parseIntOption('--max-batch', 1), 64)
    .option(
      '--batching <policy>',
      'continuous (requests join the running decode loop between steps) | static (one generate() call per batch, run to the end)',
      'continuous',
    )
    .option(
      '--max-kv-cache-mib <n>',
      'continuous batching: most KV-cache memory the running rows may hold (a newcomer waits until it fits)',
      parseIntOption('--max-kv-cache-mib', 1),
      2048,
    )
    .option(
      '--admit-wait-steps <n>',
      'continuous batching: decode steps a newcomer may wait so that newcomers are prefilled together (0: join at the next step)',
      parseIntOption('--admit-wait-steps', 0),
      0,
    )
    .option(
      '--batch-window-ms <ms>',
      'static batching: how long an idle server waits for more requests to batch with the first',
      parseIntOption('--batch-window-ms', 0),
      5,
    )
    .option(
      '--stream-interval-ms <ms>',
      'streaming: tokens that come within this long of the last write go out with the next one (0: one write per token)',
      parseIntOption('--stream-interval-ms', 0),
      20,
    )
    .option('--model-name <name>', 'the model id clients use (default: the folder’s name)')
    .option('--device <device>', 'cpu | cuda | cuda:N | mps', 'cpu')
    .action(
      async (o: {
        model: string;
        base?: string;
        host: string;
        port: number;
        maxBatch: number;
        batching: string;
        maxKvCacheMib: number;
        admitWaitSteps: number;
        batchWindowMs: number;
        streamIntervalMs: number;
        modelName?: string;
        device: string;
      }) => {
        if (o.batching !== 'continuous' && o.batching !== 'static')
          throw new Error(`--batching must be continuous or static, got ${JSON.stringify(o.batching)}`);
        const { startServer } = await import('../../serve/index.js');
        const server = await startServer({
          modelDir: o.model,
          ...(o.base ? { base: o.base } : {}),
          host: o.host,
          port: o.port,
          maxBatch: o.maxBatch,
          batching: o.batching,
          maxKvCacheMiB: o.maxKvCacheMib,
          admitWaitSteps: o.admitWaitSteps,
          batchWindowMs: o.batchWindowMs,
          streamIntervalMs: o.streamIntervalMs,
          device: o.device,
          ...(o.modelName ? { modelName: o.modelName } : {}),
        });
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            process.stderr.write(`${signal}: finishing in-flight requests, then exiting (send it again to exit now)\n`);
            process.once(signal, () => process.exit(130));
            server.close().then(resolve, (e) => {
              process.stderr.write(`shutdown failed: ${(e as Error).message}\n`);
              process.exit(1);
            });
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
        process.stderr.write('server stopped\n');
      },
    );
}
