// `npm start`: try the extension without a Coze account. Starts the fake Coze server as a demo bot that accepts
// any token, and code-server with the packaged extension whose settings already point at the demo bot. Stays
// up until Ctrl+C, then stops both.
import { type ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import { REPO_ROOT, onCleanup, portIsFree, startCodeServer, waitFor } from '../test/e2e/codeServer';
import { currentTarget, describeTarget } from '../test/e2e/vscodeVersions';

const FAKE_CLI = path.join(REPO_ROOT, 'out', 'test', 'fake-coze', 'cli.js');

/** Starts the fake server's CLI (the documented interface, also usable on its own) and reads its URL. */
async function startDemoBot(studio: boolean): Promise<{ url: string; child: ChildProcess }> {
  const args = [FAKE_CLI, '--port', '0', '--accept-any-token', ...(studio ? ['--dialect', 'studio'] : [])];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: Ctrl+C in the terminal reaches only us, and we stop it (else it could die first
    // and look like a crash).
    detached: true,
  });
  onCleanup(() => child.kill('SIGKILL'));
  let url: string | undefined;
  let exited = false;
  child.once('exit', () => (exited = true));
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    url ??= /Fake Coze listening on (\S+)/.exec(line)?.[1];
  });
  await waitFor(
    'the demo bot to listen',
    () => {
      if (exited) throw new Error(`${FAKE_CLI} exited; run \`npm run compile\` first`);
      return url;
    },
    15_000,
    50,
  );
  return { url: url as string, child };
}

/** PORT if set; else 8080 when it is free, else any free port (startCodeServer picks one). */
async function choosePort(): Promise<number | undefined> {
  if (process.env.PORT) return Number(process.env.PORT);
  return (await portIsFree(8080)) ? 8080 : undefined;
}

async function main(): Promise<void> {
  // The newest VS Code we test, unless ASK_COZE_VSCODE names another (scripts/vscode-versions.json).
  process.env.ASK_COZE_VSCODE ??= 'newest';
  const target = currentTarget();
  // `npm start -- --studio`: the demo bot speaks self-hosted Coze Studio's dialect, set up as a Studio user would.
  const studio = process.argv.includes('--studio');
  const bot = await startDemoBot(studio);
  const server = await startCodeServer({
    runName: 'start',
    port: await choosePort(),
    settings: { 'askCoze.region': studio ? 'studio' : 'custom', 'askCoze.baseUrl': bot.url },
  });
  console.log(`
Ask Coze is running in ${describeTarget(target)} at:

    ${server.url}

It talks to a demo bot at ${bot.url}${studio ? ' that speaks like a self-hosted Coze Studio' : ''}. Run "Coze: Set API Key" from the command palette (F1) with any token,
e.g. demo, then select some code and run "Coze: Ask Coze" (or right-click → Ask Coze).
To talk to the real Coze instead: set a real personal access token, and set "askCoze.region" to cn (coze.cn)
or com (coze.com) in the settings.

Logs: ${server.dirs.logs}. Press Ctrl+C to stop.`);
  process.on('exit', () => console.log('\nStopped code-server and the demo bot.'));
  // Ctrl+C is handled by the launcher's exit hooks, which kill code-server's process group and the bot.
  // If the demo bot dies, there is nothing left to demo.
  bot.child.once('exit', (code) => {
    console.error(`The demo bot exited (code ${code}).`);
    void server.stop().then(() => process.exit(1));
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
