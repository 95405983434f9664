// One browser session against code-server with the packaged extension, talking to an in-process fake Coze
// server through the user settings (region=custom, baseUrl=<fake url>), exactly as a user would set it up.
import type { Browser, Page } from 'playwright-core';
import { FakeCozeServer } from '../../fake-coze/server';
import {
  CodeServer,
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

export async function startUiSession(runName: string): Promise<UiSession> {
  const fake = await FakeCozeServer.start({ tokens: [TEST_TOKEN] });
  let server: CodeServer | undefined;
  try {
    server = await startCodeServer({
      runName,
      settings: { 'askCoze.region': 'custom', 'askCoze.baseUrl': fake.url },
    });
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
