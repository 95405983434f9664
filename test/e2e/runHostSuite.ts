// Runs the in-host mocha suite (out/test/suite/index.js) inside code-server's extension host, against the
// INSTALLED .vsix, with a fake Coze server in this process. This is what @vscode/test-electron does on a
// desktop, which cannot run here (it downloads VS Code). How, from docs/testing.md: code-server's
// command line rejects --extensionDevelopmentPath/--extensionTestsPath, but the workbench honours them as
// `developmentOptions` in the configuration it reads from a data attribute, so an init script adds them there;
// the workbench then reports the suite's exit code through window.codeAutomationExit.
import * as path from 'path';
import { format } from 'util';
import type { Browser, ConsoleMessage } from 'playwright-core';
import { FakeCozeServer } from '../fake-coze/server';
import { type CodeServer, REPO_ROOT, launchBrowser, openWorkbench, reportFailure, startCodeServer } from './codeServer';
import { currentTarget, describeTarget } from './vscodeVersions';

const TEST_TOKEN = 'pat_test_token';
const SUITE_DIR = path.join(REPO_ROOT, 'out', 'test', 'suite');
const TIMEOUT_MS = Number(process.env.ASK_COZE_HOST_SUITE_TIMEOUT_MS ?? 10 * 60_000);

interface DevelopmentOptions {
  extensionDir: string;
  suiteDir: string;
}

/**
 * Runs in the page before the workbench starts: when the workbench reads its configuration from
 * #vscode-workbench-web-configuration[data-settings], add developmentOptions pointing at the installed extension
 * and the suite. The authority is the page's own host: that is how the workbench names code-server's files.
 * (Rewriting the HTML through page.route() instead broke code-server's WebSocket.)
 */
function injectDevelopmentOptions(options: DevelopmentOptions): void {
  const getAttribute = Element.prototype.getAttribute;
  Element.prototype.getAttribute = function (this: Element, name: string): string | null {
    const value = getAttribute.call(this, name);
    if (name !== 'data-settings' || this.id !== 'vscode-workbench-web-configuration' || !value) return value;
    const authority = location.host;
    const settings = JSON.parse(value);
    settings.developmentOptions = {
      ...settings.developmentOptions,
      extensions: [{ scheme: 'vscode-remote', authority, path: options.extensionDir }],
      extensionTestsPath: { scheme: 'vscode-remote', authority, path: options.suiteDir },
    };
    return JSON.stringify(settings);
  };
}

/** First console argument of the extension host's messages, as re-logged by markExtensionHostConsole. */
const EXTHOST_MARK = '\u0001ask-coze-exthost';

/**
 * Runs in the page. With extensionTestsPath set, the workbench logs the extension host's console (so mocha's
 * output) through its log service, exactly like its own messages: `console.log('%c INFO', 'color: #33f', ...args)`.
 * What tells them apart is the caller, the RPC method $logExtensionHostMessage (RPC names survive minification),
 * so re-log those calls as (EXTHOST_MARK, ...args) without the style pair, for the runner to relay.
 */
function markExtensionHostConsole(mark: string): void {
  for (const level of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]): void => {
      const styled = typeof args[0] === 'string' && args[0].startsWith('%c');
      if (styled && new Error().stack?.includes('$logExtensionHostMessage')) {
        const styles = ((args[0] as string).match(/%c/g) ?? []).length;
        original(mark, ...args.slice(1 + styles));
      } else {
        original(...args);
      }
    };
  }
}

/** The extension host's message text (printf-style, as Node's console would print it), or undefined. */
async function extensionHostText(msg: ConsoleMessage): Promise<string | undefined> {
  const args = msg.args();
  if (args.length === 0 || (await args[0]?.jsonValue().catch(() => undefined)) !== EXTHOST_MARK) return undefined;
  const values = await Promise.all(args.slice(1).map((arg) => arg.jsonValue().catch(() => String(arg))));
  return format(...values);
}

/** Opens the workbench with the suite configured; resolves with the extension host's exit code. */
async function runSuite(server: CodeServer, browser: Browser): Promise<number> {
  let finish: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (finish = resolve));
  await openWorkbench(browser, server, {
    initScripts: [
      {
        fn: injectDevelopmentOptions as (arg: never) => unknown,
        arg: { extensionDir: server.installedExtensionDir(), suiteDir: SUITE_DIR } satisfies DevelopmentOptions,
      },
      { fn: markExtensionHostConsole as (arg: never) => unknown, arg: EXTHOST_MARK },
    ],
    // Before the page loads, so that no early output and no exit are missed.
    prepare: async (page) => {
      await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
      page.on('console', (msg) => {
        void extensionHostText(msg).then((text) => text !== undefined && process.stdout.write(`${text}\n`));
      });
    },
  });
  return exitCode;
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The in-host suite did not finish within ${ms / 1000} s (ASK_COZE_HOST_SUITE_TIMEOUT_MS)`)),
      ms,
    );
    timer.unref();
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const fake = await FakeCozeServer.start({ tokens: [TEST_TOKEN] });
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      runName: 'host-suite',
      env: { ASK_COZE_FAKE_URL: fake.url, ASK_COZE_TEST_TOKEN: TEST_TOKEN },
    });
    console.log(`${describeTarget(currentTarget())} at ${server.authority} ready in ${Date.now() - started} ms; running ${SUITE_DIR}`);
    browser = await launchBrowser(server.dirs);
    const code = await Promise.race([runSuite(server, browser), timeout(TIMEOUT_MS)]);
    console.log(`In-host suite on ${describeTarget(currentTarget())} exited with code ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (code !== 0) reportFailure(server);
    return code;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    reportFailure(server);
    return 1;
  } finally {
    await browser?.close();
    await server?.stop();
    await fake.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
