import { parseArgs } from 'node:util';
import {
  DEFAULT_PORT,
  type RunningPlayground,
  startPlaygroundServer,
} from '../server/playground-server.js';
import { openStack } from './open-stack.js';

const HELP = `Usage: ply serve [options]

  --port <n>            port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>      address to bind (default 127.0.0.1; others need a gateway key)
  --gateway-key <key>   bearer key for /v1 and /api (default PLY_GATEWAY_KEY)
  --config <file>       providers, budget and limits (default PLY_CONFIG)
  --log-format <f>      gateway call log on stdout: json (default, one line per call) or off

Prometheus metrics are served at /metrics.
`;

/** `ply serve`: the UI and the gateway until Ctrl-C. */
export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'gateway-key': { type: 'string' },
      config: { type: 'string' },
      'log-format': { type: 'string', default: 'json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`ply serve: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  const logFormat = values['log-format'];
  if (logFormat !== 'json' && logFormat !== 'off') {
    process.stderr.write(`ply serve: --log-format must be json or off, got "${logFormat}"\n`);
    return 2;
  }
  const stack = await openStack(values.config);
  const gatewayKey = values['gateway-key'] ?? process.env.PLY_GATEWAY_KEY;
  let running: RunningPlayground;
  try {
    running = await startPlaygroundServer({
      stack,
      host: values.host,
      port,
      logFormat,
      ...(gatewayKey === undefined ? {} : { gatewayKey }),
    });
  } catch (error) {
    await stack.dispose();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`ply serve: port ${port} is in use; pick another with --port\n`);
      return 1;
    }
    throw error;
  }
  const providers = stack.providers.map((provider) => provider.id).join(', ');
  process.stdout.write(
    `ply playground: ${running.url}  (gateway: ${running.url}/v1; providers: ${providers}; default ${stack.config.defaultTarget})\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  await stack.dispose();
  return 0;
}
