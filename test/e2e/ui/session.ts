// One browser session against code-server with the packaged extension, talking to an in-process fake Coze
// server through the user settings (region=custom, baseUrl=<fake url>), exactly as a user would set it up.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { FakeCozeServer } from '../../fake-coze/server';
import {
  type CodeServer,
  answerInputBox,
  launchBrowser,
  openWorkbench,
  reportFailure,
  runPaletteCommand,
  startCodeServer,
  waitForNotification,
} from '../codeServer';

export const TEST_TOKEN = 'pat_test_token';

export interface UiSession {
  fake: FakeCozeServer;
  server: CodeServer;
  browser: Browser;
  page: Page;
}

/** A fake Coze, code-server pointed at it, and a browser page; `locale` sets the display language first. */
export async function startUiSession(runName: string, options: { locale?: string } = {}): Promise<UiSession> {
  const fake = await FakeCozeServer.start({ tokens: [TEST_TOKEN] });
  let server: CodeServer | undefined;
  try {
    server = await startCodeServer({
      runName,
      settings: { 'askCoze.region': 'custom', 'askCoze.baseUrl': fake.url },
    });
    if (options.locale) setDisplayLanguage(server, options.locale);
    const browser = await launchBrowser(server.dirs);
    const page = await openWorkbench(browser, server);
    return { fake, server, browser, page };
  } catch (error) {
    reportFailure(server);
    await server?.stop();
    await fake.close();
    throw error;
  }
}

/** The page and the fake of a session started in `before`: a test that runs without one fails with a clear message. */
export function sessionParts(get: () => UiSession | undefined): { page: () => Page; fake: () => FakeCozeServer } {
  const session = (): UiSession => {
    const s = get();
    if (!s) throw new Error('no UI session');
    return s;
  };
  return { page: () => session().page, fake: () => session().fake };
}

export async function stopUiSession(session: UiSession | undefined): Promise<void> {
  if (!session) return;
  await session.browser.close().catch(() => undefined);
  await session.server.stop();
  await session.fake.close();
}

/** "Coze: Set API Key" from the palette, then the key typed into its password box. */
export async function setApiKeyFromPalette(page: Page, token = TEST_TOKEN): Promise<void> {
  await runPaletteCommand(page, 'Coze: Set API Key');
  await answerInputBox(page, token, { password: true });
  // Storing the secret is asynchronous: a question asked before this shows would find no key.
  await waitForNotification(page, 'Coze API key saved');
}

/** Changes the fake bot through its control API, the way a test in another process would. */
export async function setFakeBehavior(fake: FakeCozeServer, patch: Record<string, unknown>): Promise<void> {
  await control(fake, '/__fake/behavior', patch);
}

/** Back to the default behavior, no faults, no recorded requests. */
export async function resetFake(fake: FakeCozeServer): Promise<void> {
  await control(fake, '/__fake/reset', {});
}

async function control(fake: FakeCozeServer, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${fake.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${await response.text()}`);
}

/**
 * Makes code-server's workbench run in `locale` without a language pack (none can be downloaded here).
 * code-server takes the locale from <user-data>/User/argv.json on every page load, but it only switches when
 * <user-data>/languagepacks.json names a pack for it (otherwise it stays 'en'). So both are written, the pack
 * pointing at a translations file with no translations: VS Code's own UI stays English, while the workbench's
 * language, and so vscode.env.language, is `locale` — exactly what our package.nls.<locale>.json and
 * l10n/bundle.l10n.<locale>.json need.
 */
function setDisplayLanguage(server: CodeServer, locale: string): void {
  fs.writeFileSync(path.join(server.dirs.userData, 'User', 'argv.json'), JSON.stringify({ locale }));
  const translations = path.join(server.dirs.root, `${locale}.i18n.json`);
  fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const pack = {
    hash: `ask-coze-tests-${locale}`,
    extensions: [{ extensionIdentifier: { id: `ask-coze-tests.${locale}-locale` }, version: '1.0.0' }],
    translations: { vscode: translations },
    label: locale,
  };
  fs.writeFileSync(path.join(server.dirs.userData, 'languagepacks.json'), JSON.stringify({ [locale]: pack }));
}

/** Like session.ts's startUiSession, with a display language (argv.json) written before the page loads. */
