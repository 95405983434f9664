// Starts the fake Coze server from the command line (tests in other processes, and the `npm start` demo bot):
//   node out/test/fake-coze/cli.js --port 0 [--host 127.0.0.1] [--token T ...] [--accept-any-token]
//                                  [--complete-ms N] [--delta-ms N] [--dialect cloud|studio] [--streams-always]
// Prints exactly one line, `Fake Coze listening on <url>`, then runs until SIGINT/SIGTERM.

import type { BehaviorPatch } from './behavior';
import { FakeCozeServer, type FakeCozeStartOptions } from './server';

const USAGE =
  'usage: cli.js [--port N] [--host H] [--token T ...] [--accept-any-token] [--complete-ms N] [--delta-ms N] [--dialect cloud|studio] [--streams-always]';

export function parseArgs(argv: readonly string[]): FakeCozeStartOptions {
  const options: FakeCozeStartOptions = {};
  const behavior: BehaviorPatch = {};
  const tokens: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const number = (): number => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0) throw new Error(`${arg} needs a non-negative number\n${USAGE}`);
      return n;
    };
    switch (arg) {
      case '--port':
        options.port = number();
        break;
      case '--host':
        options.host = value();
        break;
      case '--token':
        tokens.push(value());
        break;
      case '--accept-any-token':
        options.acceptAnyToken = true;
        break;
      case '--complete-ms':
        behavior.completeAfterMs = number();
        break;
      case '--delta-ms':
        behavior.deltaIntervalMs = number();
        break;
      case '--dialect': {
        const d = value();
        if (d !== 'cloud' && d !== 'studio') throw new Error(`--dialect must be cloud or studio\n${USAGE}`);
        options.dialect = d;
        break;
      }
      case '--streams-always':
        // Coze Studio before v0.5.1: every chat streams (docs/coze-api.md#coze-studio).
        behavior.streamsAlways = true;
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (tokens.length > 0) options.tokens = tokens;
  options.behavior = behavior;
  return options;
}

async function main(): Promise<void> {
  let options: FakeCozeStartOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const server = await FakeCozeServer.start(options);
  process.stdout.write(`Fake Coze listening on ${server.url}\n`);
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void server.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`fake-coze: ${String(err)}\n`);
    process.exitCode = 1;
  });
}
