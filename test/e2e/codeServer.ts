// A reusable launcher for code-server (VS Code in a browser, with a Node extension host) and headless
// Chromium, used by the in-host suite runner, the UI tests and `npm start`.
// Recipe and pitfalls: docs/testing.md. In short: test the packaged .vsix (installed with
// --install-extension, so .vscodeignore is tested too), keep every file code-server and Chromium write inside
// a per-run work folder, and stop the whole process group, because code-server forks an extension host, a pty
// host and a file watcher that would otherwise outlive us.
import { type ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { type VsCodeTarget, currentTarget } from './vscodeVersions';

export const REPO_ROOT = findRepoRoot(__dirname);
export const EXTENSION_ID = 'ask-coze.ask-coze';
// ASK_COZE_VSIX tests another package, e.g. one built by a release job.
export const DEFAULT_VSIX = process.env.ASK_COZE_VSIX ?? path.join(REPO_ROOT, 'ask-coze-0.1.0.vsix');
/** Screenshots of this process's VS Code version (ASK_COZE_VSCODE): test-results/screenshots/<oldest|newest>. */
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots', currentTarget().name);

/** The compiled file lives in out/…, the sources in test/… or scripts/…: walk up to our package.json. */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'ask-coze') return dir;
    if (path.dirname(dir) === dir) throw new Error(`No ask-coze package.json above ${start}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: every process we start registers a synchronous killer, run on normal exit, on signals and on
// uncaught errors, so that a failing or interrupted run leaves no code-server or Chromium behind.
// ---------------------------------------------------------------------------------------------------------
const killers = new Set<() => void>();
let exitHooksInstalled = false;

export function onCleanup(kill: () => void): () => void {
  installExitHooks();
  killers.add(kill);
  return () => killers.delete(kill);
}

function runKillers(): void {
  for (const kill of [...killers]) {
    try {
      kill();
    } catch {
      // Best effort: the process may already be gone.
    }
  }
  killers.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', runKillers);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runKillers();
      // 128 + signal number, the shell's convention, so that CI sees an interrupted run as failed.
      process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 129);
    });
  }
}

/** Kills a process group started with `detached: true`; true when a signal was delivered. */
function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------------------
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined; throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function tail(file: string, lines: number): string {
  if (!fs.existsSync(file)) return `(no ${file})`;
  return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/** A short, sortable, unique folder name for one run, e.g. ui-20261123-233000-k3f9. */
function runFolderName(runName: string): string {
  const stamp = new Date().toISOString().slice(0, 19).replace(/-|:/g, '').replace('T', '-');
  return `${runName}-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Installing code-server
// ---------------------------------------------------------------------------------------------------------
/**
 * Returns the launcher of the target's code-server, installing it (and the Node it needs) on first use. The
 * install script prints the launcher's path as the last line of stdout and its progress on stderr, which we
 * pass through so that CI shows it. CODE_SERVER_BIN skips the script (a code-server installed some other way).
 */
export function ensureCodeServer(target: VsCodeTarget = currentTarget()): string {
  const override = process.env.CODE_SERVER_BIN;
  if (override) return override;
  const script = path.join(REPO_ROOT, 'scripts', 'install-code-server.sh');
  const result = spawnSync('bash', [script, target.name], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const bin = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !fs.existsSync(bin)) {
    throw new Error(`${script} ${target.name} failed (exit ${result.status}); stdout: ${result.stdout}`);
  }
  return bin;
}

// ---------------------------------------------------------------------------------------------------------
// The work folder: user data, extensions, a sample workspace, TMPDIR and XDG folders for one run
// ---------------------------------------------------------------------------------------------------------
export interface WorkDirs {
  root: string;
  /** A short /tmp symlink to `root`, for the paths that end up in socket names: see shortAlias(). */
  alias: string;
  userData: string;
  extensions: string;
  workspace: string;
  tmp: string;
  logs: string;
}

/** Settings that keep VS Code from reaching for the network or opening pages we did not ask for. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.surveys.enabled': false,
  'chat.commandCenter.enabled': false,
  // VS Code 1.116+ opens its own Chat in the secondary sidebar at start; the tests (and screenshots) are about
  // ours. A user setting, as a user who does not use Copilot would set it; ignored by 1.100.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export const SAMPLE_FILES: Readonly<Record<string, string>> = {
  'sample.ts': [
    '// A small file for the tests to select and ask about.',
    'export function greetCozeUser(name: string): string {',
    '  return `Hello, ${name}!`;',
    '}',
    '',
  ].join('\n'),
  'README.md': '# Sample workspace\n\nCreated by the Ask Coze end-to-end tests.\n',
};

export function createWorkDirs(runName: string, settings: Record<string, unknown>): WorkDirs {
  const root = path.join(REPO_ROOT, '.test-work', runFolderName(`${runName}-${currentTarget().name}`));
  const dirs: WorkDirs = {
    root,
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    workspace: path.join(root, 'workspace'),
    tmp: path.join(root, 'tmp'),
    alias: '',
    logs: path.join(root, 'logs'),
  };
  for (const dir of [dirs.userData, dirs.extensions, dirs.workspace, dirs.tmp, dirs.logs]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  dirs.alias = shortAlias(root);
  writeUserSettings(dirs, settings);
  for (const [name, text] of Object.entries(SAMPLE_FILES)) fs.writeFileSync(path.join(dirs.workspace, name), text);
  return dirs;
}

export function writeUserSettings(dirs: WorkDirs, settings: Record<string, unknown>): void {
  const file = path.join(dirs.userData, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

/**
 * Unix socket paths are limited to 107 bytes, and Chromium (SingletonSocket) and VS Code (vscode-ipc-*.sock)
 * create theirs under TMPDIR and XDG_RUNTIME_DIR: inside a deep checkout they fail with "Socket path too long".
 * code-server's own code-server-ipc.sock goes into --user-data-dir. So those name a short symlink in /tmp that
 * points at the run folder, where the files really go.
 */
function shortAlias(target: string): string {
  const alias = path.join('/tmp', `ask-coze-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  fs.symlinkSync(target, alias);
  onCleanup(() => fs.rmSync(alias, { force: true }));
  return alias;
}

/** TMPDIR and XDG folders inside the run folder, or code-server and Chromium write into $HOME and /tmp. */
export function isolatedEnv(dirs: WorkDirs): Record<string, string> {
  const env = {
    TMPDIR: path.join(dirs.alias, 'tmp'),
    XDG_CONFIG_HOME: path.join(dirs.root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(dirs.root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(dirs.root, 'xdg', 'cache'),
    XDG_RUNTIME_DIR: path.join(dirs.alias, 'xdg', 'runtime'),
  };
  for (const dir of Object.values(env)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return env;
}

function processEnv(dirs: WorkDirs, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...isolatedEnv(dirs), ...extra };
  // VS Code reads these to decide it runs as a child of another VS Code; a developer running the tests from
  // VS Code's terminal must not leak them in.
  for (const key of Object.keys(env)) if (key.startsWith('VSCODE_')) delete env[key];
  return env;
}

// ---------------------------------------------------------------------------------------------------------
// code-server
// ---------------------------------------------------------------------------------------------------------
export interface CodeServerOptions {
  /** Names the run folder: .test-work/<runName>-<time>-<pid>. */
  runName: string;
  /** The packaged extension to install; defaults to ask-coze-0.1.0.vsix in the repo. null installs nothing. */
  vsix?: string | null;
  /** User settings on top of QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host (e.g. ASK_COZE_FAKE_URL). */
  env?: Record<string, string>;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  host?: string;
  /** Milliseconds to wait for /healthz. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  dirs: WorkDirs;
  /** host:port, the authority of vscode-remote URIs in the page. */
  authority: string;
  /** The workbench URL with the sample workspace open. */
  url: string;
  logFile: string;
  /** The folder --install-extension unpacked the .vsix into. */
  installedExtensionDir(): string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = ensureCodeServer();
  const dirs = createWorkDirs(options.runName, options.settings ?? {});
  const env = processEnv(dirs, options.env ?? {});
  const vsix = options.vsix === undefined ? DEFAULT_VSIX : options.vsix;
  if (vsix !== null) installVsix(bin, dirs, env, vsix);

  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const logFile = path.join(dirs.logs, 'code-server.log');
  const child = spawnCodeServer(bin, dirs, env, host, port, logFile);
  const stop = stopper(child);
  const server: CodeServer = {
    dirs,
    authority: `${host}:${port}`,
    url: `http://${host}:${port}/?folder=${encodeURIComponent(dirs.workspace)}`,
    logFile,
    installedExtensionDir: () => findInstalledExtension(dirs.extensions),
    logTail: (lines = 40) => tail(logFile, lines),
    stop,
  };
  try {
    await waitForHealthz(child, host, port, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    console.error(`code-server did not start; last lines of ${logFile}:\n${server.logTail()}`);
    await stop();
    throw error;
  }
  return server;
}

function installVsix(bin: string, dirs: WorkDirs, env: NodeJS.ProcessEnv, vsix: string): void {
  if (!fs.existsSync(vsix)) {
    throw new Error(`${vsix} does not exist: run \`npm run build && npm run package\` first`);
  }
  const args = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix];
  const result = spawnSync(bin, args, { env, encoding: 'utf8', timeout: 120_000 });
  fs.writeFileSync(path.join(dirs.logs, 'install-extension.log'), `${result.stdout}\n${result.stderr}`);
  if (result.status !== 0) {
    throw new Error(`Installing ${vsix} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

function spawnCodeServer(
  bin: string,
  dirs: WorkDirs,
  env: NodeJS.ProcessEnv,
  host: string,
  port: number,
  logFile: string,
): ChildProcess {
  const args = [
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Through the short alias: code-server puts its IPC socket in the user data folder.
    '--user-data-dir', path.join(dirs.alias, 'user-data'),
    '--extensions-dir', dirs.extensions,
    dirs.workspace,
  ];
  const log = fs.openSync(logFile, 'a');
  // detached: true makes Node call setsid(), so code-server leads a new process group and session: one
  // `kill -- -PGID` then reaches the extension host, pty host and watcher it forks, and a Ctrl+C in the
  // terminal reaches only us, so we stop it in order.
  const child = spawn(bin, args, { env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return child;
}

function stopper(child: ChildProcess): () => Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) throw new Error('code-server did not start (no pid)');
  const forget = onCleanup(() => killGroup(pgid, 'SIGKILL'));
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      killGroup(pgid, 'SIGTERM');
      try {
        await waitFor('code-server to exit', () => (groupAlive(pgid) ? undefined : true), 5_000, 100);
      } catch {
        killGroup(pgid, 'SIGKILL');
        await waitFor('code-server to die', () => (groupAlive(pgid) ? undefined : true), 5_000, 100);
      }
      forget();
    })();
    return stopped;
  };
}

async function waitForHealthz(child: ChildProcess, host: string, port: number, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `code-server exited early (code ${code}, signal ${signal})`));
  await waitFor(
    `http://${host}:${port}/healthz`,
    async () => {
      if (exited) throw new Error(exited);
      const response = await fetch(`http://${host}:${port}/healthz`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    timeoutMs,
    200,
  ).catch((error: Error) => {
    throw new Error(exited ?? error.message);
  });
}

function findInstalledExtension(extensionsDir: string): string {
  // --install-extension unpacks into <publisher>.<name>-<version>.
  const folder = fs.readdirSync(extensionsDir).find((name) => name.startsWith(`${EXTENSION_ID}-`));
  if (!folder) throw new Error(`${EXTENSION_ID} is not installed in ${extensionsDir}`);
  return path.join(extensionsDir, folder);
}

// ---------------------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------------------
export const CHROMIUM_ARGS = [
  '--no-sandbox', // root in a container: Chromium's sandbox needs user namespaces we do not have.
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(dirs: WorkDirs): Promise<Browser> {
  // Loaded here rather than at the top so that `npm start` and the launcher's types do not need it eagerly.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: process.env.HEADFUL !== '1', // Playwright adds --headless itself.
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...isolatedEnv(dirs) },
    timeout: 60_000,
  });
  // Playwright kills Chromium on a normal exit; this covers signals and crashes of our own process.
  const pid = (browser as unknown as { process?: () => ChildProcess | undefined }).process?.()?.pid;
  const forget = onCleanup(() => {
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  });
  browser.on('disconnected', forget);
  return browser;
}

export interface OpenOptions {
  /** Functions to run in the page before VS Code's own scripts (Playwright addInitScript). */
  initScripts?: Array<{ fn: (arg: never) => unknown; arg: unknown }>;
  /** Page console lines go here; defaults to logs/browser-console.log in the run folder. */
  consoleLog?: string;
  /** Runs after the page exists and before it loads, e.g. to expose functions or listen to the console. */
  prepare?: (page: Page) => Promise<void>;
}

/** Opens the workbench and waits for it to render. */
export async function openWorkbench(browser: Browser, server: CodeServer, options: OpenOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  for (const script of options.initScripts ?? []) {
    await page.addInitScript(script.fn as (arg: unknown) => unknown, script.arg);
  }
  const consoleLog = options.consoleLog ?? path.join(server.dirs.logs, 'browser-console.log');
  page.on('console', (msg) => fs.appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
  page.on('pageerror', (error) => fs.appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`));
  await options.prepare?.(page);
  await page.goto(server.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

// ---------------------------------------------------------------------------------------------------------
// UI helpers
// ---------------------------------------------------------------------------------------------------------
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROW = `${QUICK_INPUT} .monaco-list-row`;

/**
 * Runs a command from the palette by its title ("Coze: Ask Coze"). Just after the page loads the palette does
 * not list an extension's commands yet (the extension host takes seconds to start), so we retry: F1, type
 * `>Title`, wait for a row with exactly that label, Escape and try again if it does not come.
 */
export async function runPaletteCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    `the palette to offer "${title}"`,
    async () => {
      await openPalette(page);
      await page.locator(`${QUICK_INPUT} .quick-input-box input`).fill(`>${title}`);
      // Exactly the title: a substring would also match e.g. "Coze: Ask Coze about the file".
      const label = page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) });
      const row = page.locator(QUICK_INPUT_ROW).filter({ has: label });
      const found = await row
        .first()
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (!found) {
        await page.keyboard.press('Escape');
        return undefined;
      }
      if (!(await acceptQuickInputRow(page, exactly(title)))) {
        await page.keyboard.press('Escape');
        return undefined;
      }
      return true;
    },
    timeoutMs,
    500,
  );
}

/** A RegExp that matches exactly `text`. */
export function exactly(text: string): RegExp {
  return new RegExp(`^${escapeRegExp(text)}$`);
}

/**
 * Moves the quick input's focus to the row whose label matches, with the arrow keys, and accepts it with Enter:
 * the keyboard is what VS Code's quick input is built around, and it does not depend on where the mouse
 * happens to be or how the browser turns a click into events (docs/testing.md). False when no row matches.
 */
export async function acceptQuickInputRow(page: Page, label: RegExp): Promise<boolean> {
  const rows = await page.locator(QUICK_INPUT_ROW).count();
  for (let step = 0; step <= rows; step++) {
    const focused = page.locator(`${QUICK_INPUT_ROW}.focused .label-name`).first();
    const text = (await focused.innerText({ timeout: 2_000 }).catch(() => '')).trim();
    if (label.test(text)) {
      await page.keyboard.press('Enter');
      await page.locator(QUICK_INPUT).waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return true;
    }
    await page.keyboard.press('ArrowDown');
  }
  return false;
}

/**
 * Opens the focused editor's context menu from the keyboard (Shift+F10, VS Code's "Show Editor Context Menu")
 * and waits for the item `name`. Returns a function that moves the focus to that item with the arrow keys
 * and runs it with Enter: clicks on menu items stopped working under one Chromium update, keys did not.
 */
export async function openEditorContextMenu(page: Page, name: string | RegExp): Promise<() => Promise<void>> {
  const item = page.getByRole('menuitem', { name }).first();
  const open = async (): Promise<void> => {
    await page.keyboard.press('Shift+F10');
    await item.waitFor({ timeout: 15_000 });
  };
  await open();
  return async () => {
    // VS Code closes a context menu when anything else in the workbench takes the focus or re-renders the editor's
    // contributions (the TypeScript server finishing its project load can do that on a busy machine): then the
    // menu is opened again, from the same selection, and walked again.
    for (let opening = 1; ; opening++) {
      const items = await page.getByRole('menuitem').count();
      for (let step = 0; step <= items; step++) {
        const focused = await item.evaluate((el) => el.matches(':focus') || !!el.closest('.action-item.focused'), undefined, { timeout: 2_000 }).catch(() => undefined);
        if (focused === undefined) break; // the menu went away
        if (focused) {
          await page.keyboard.press('Enter');
          await item.waitFor({ state: 'hidden', timeout: 5_000 });
          return;
        }
        await page.keyboard.press('ArrowDown');
      }
      if (await item.isVisible()) throw new Error(`The context menu item ${String(name)} never took the keyboard focus`);
      if (opening === 3) throw new Error(`The context menu closed ${opening} times before ${String(name)} could be chosen`);
      await open();
    }
  };
}

/** Opens a workspace file through Quick Open (F1, then the file name instead of a command). */
export async function quickOpen(page: Page, name: string): Promise<void> {
  await waitFor(
    `Quick Open to offer ${name}`,
    async () => {
      await openPalette(page);
      await page.locator(`${QUICK_INPUT} .quick-input-box input`).fill(name);
      const row = page.locator(QUICK_INPUT_ROW, { has: page.locator('.label-name', { hasText: exactly(name) }) });
      const found = await row.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (!found || !(await acceptQuickInputRow(page, exactly(name)))) {
        await page.keyboard.press('Escape');
        return undefined;
      }
      return true;
    },
    30_000,
    500,
  );
}

/**
 * Resolves once the page has painted twice and no finite animation or transition is running (hover effects,
 * a theme's fade), so that a screenshot shows the settled state.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() =>
            resolve(document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity)),
          ),
        ),
      ),
    undefined,
    { timeout: 10_000 },
  );
}

async function openPalette(page: Page): Promise<void> {
  const widget = page.locator(QUICK_INPUT);
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  await widget.waitFor({ state: 'visible', timeout: 5_000 });
}

/** Waits for an input box (showInputBox) and answers it. `prompt` is checked when given. */
export async function answerInputBox(
  page: Page,
  text: string,
  expect: { prompt?: string; password?: boolean } = {},
): Promise<void> {
  const input = page.locator(`${QUICK_INPUT} .quick-input-box input`);
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  if (expect.prompt !== undefined) {
    await waitFor(
      `an input box with the prompt "${expect.prompt}"`,
      async () => ((await page.locator(QUICK_INPUT).innerText()).includes(expect.prompt as string) ? true : undefined),
      15_000,
    );
  }
  if (expect.password !== undefined) {
    const type = await input.getAttribute('type');
    if ((type === 'password') !== expect.password) {
      throw new Error(`Expected ${expect.password ? 'a password' : 'a plain'} input box, got type=${type}`);
    }
  }
  await input.fill(text);
  await input.press('Enter');
}

/** Texts of the notification toasts on screen (message, buttons and progress included). */
export async function readNotifications(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast').allInnerTexts();
}

export async function waitForNotification(page: Page, text: string, timeoutMs = 30_000): Promise<string> {
  const found = await waitFor(
    `a notification containing "${text}"`,
    async () => (await readNotifications(page)).find((toast) => toast.includes(text)),
    timeoutMs,
    100,
  );
  // Toasts slide in; wait for the end of the animation so that a screenshot shows them. Cosmetic: a toast that
  // already went away (a fast answer) must not fail the caller.
  await page
    .locator('.notification-toast-container.notification-fade-in-done', { hasText: text })
    .first()
    .waitFor({ timeout: 2_000 })
    .catch(() => undefined);
  return found;
}

/** The text of every frame (webviews are nested iframes served by code-server). */
export async function frameTexts(page: Page): Promise<Array<{ frame: Frame; text: string }>> {
  const texts: Array<{ frame: Frame; text: string }> = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
    texts.push({ frame, text });
  }
  return texts;
}

/** Waits until some webview frame's text contains `text`; returns that frame. */
export async function findWebviewFrame(page: Page, text: string, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    `a webview showing "${text}"`,
    async () => (await frameTexts(page)).find((entry) => entry.text.includes(text))?.frame,
    timeoutMs,
    250,
  );
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Prints where the logs of a run are and the tail of code-server's, for a failing run. */
export function reportFailure(server: CodeServer | undefined): void {
  if (!server) return;
  console.error(`\n--- last lines of ${server.logFile} ---\n${server.logTail()}`);
  console.error(`--- logs of this run: ${server.dirs.logs} and ${path.join(server.dirs.userData, 'logs')} ---`);
}
