// How the chat webview loads its script in a real VS Code (code-server) with the packaged extension: the page
// starts with its small entry module (and the chunk it shares with the answer panel), the Markdown engine is fetched
// with the first question, and highlight.js with a grammar only when a code block in that language appears (docs/architecture.md, "Webview scripts
// load in pieces"). The page's resource timing lists what the webview fetched (each file once: the same module
// URL is never fetched twice).
import * as assert from 'assert';
import type { Frame } from 'playwright-core';
import { reportFailure, screenshot, waitFor } from '../codeServer';
import { type UiSession, setApiKeyFromPalette, setFakeBehavior, startUiSession, stopUiSession, sessionParts } from './session';
import { chatFrame, openChat, readChat, send, waitForAnswer } from './chatDriver';

/** The files of dist/webview the page has fetched, relative to it ("chat.js", "chunks/typescript-ABC.js"). */
async function fetchedScripts(frame: Frame): Promise<string[]> {
  return frame.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((e) => decodeURIComponent(new URL(e.name).pathname))
      .map((p) => /\/dist\/webview\/(.+\.js)$/.exec(p)?.[1])
      .filter((p): p is string => !!p),
  );
}

/** The module chunk names (what esbuild names after its source: "typescript", "core", "chunk"). */
const chunkNames = (files: string[]) => files.filter((f) => f.startsWith('chunks/')).map((f) => /^chunks\/(.+)-[A-Z0-9]+\.js$/.exec(f)?.[1] ?? f);

describe('Webview scripts load in pieces (code-server)', function () {
  let session: UiSession | undefined;
  let failed = false;
  const { page, fake } = sessionParts(() => session);

  before(async function () {
    session = await startUiSession('ui-webview-loading');
    await setApiKeyFromPalette(page());
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session) {
      failed = true;
      const name = `failed-loading-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
      console.log(`    screenshot: ${await screenshot(session.page, name).catch((e: Error) => e.message)}`);
    }
  });

  after(async function () {
    if (failed) reportFailure(session?.server);
    await stopUiSession(session);
  });

  it('starts the chat with its entry module: no Markdown engine, no highlight.js', async function () {
    const frame = await openChat(page());
    await waitFor('the empty chat', async () => ((await readChat(frame)).empty ? true : undefined), 30_000);
    const page0 = await frame.evaluate(() => [...document.querySelectorAll('script[src]')].map((s) => ({ type: s.getAttribute('type'), src: s.getAttribute('src') ?? '' })));
    const ours = page0.filter((s) => s.src.includes('/dist/webview/'));
    assert.equal(ours.length, 1, `one script of ours: ${JSON.stringify(page0)}`);
    assert.equal(ours[0]!.type, 'module');
    assert.match(ours[0]!.src, /\/dist\/webview\/chat\.js$/);
    const fetched = await fetchedScripts(frame);
    assert.ok(fetched.includes('chat.js'), `the entry was fetched: ${fetched.join(', ')}`);
    assert.deepEqual(chunkNames(fetched).filter((n) => n !== 'chunk'), [], `only shared chunks at load, no engine, core or grammar: ${fetched.join(', ')}`);
  });

  it('fetches highlight.js and the TypeScript grammar when a TypeScript block arrives, and colours it', async function () {
    await setFakeBehavior(fake(), { completeAfterMs: 1500, deltaIntervalMs: 30, deltaSize: 20 });
    await send(page(), 'How do I count the lines of a file in TypeScript?');
    await waitForAnswer(page(), 1);
    const view = await waitFor('the TypeScript block to be coloured', async () => {
      const v = await readChat(await chatFrame(page()));
      return (v.turns[0]?.highlighted ?? 0) > 0 ? v : undefined;
    }, 15_000);
    assert.equal(view.turns[0]!.codeBlocks, 1);
    const frame = await chatFrame(page());
    assert.equal(await frame.locator('.answer-body code.highlight-pending').count(), 0, 'nothing left waiting for a grammar');
    const names = chunkNames(await fetchedScripts(frame));
    // The Markdown engine came with the first question. TypeScript hands JSX, css`` and graphql`` to the grammars it
    // embeds: they come with it, nothing else does.
    assert.deepEqual(names.filter((n) => n !== 'chunk').sort(), ['core', 'css', 'graphql', 'javascript', 'markdownEngine', 'typescript', 'xml'], names.join(', '));
  });

  it('fetches the Rust grammar only for a Rust block, after the rest is already here', async function () {
    await send(page(), 'How do I count the lines of a file in Rust?');
    await waitForAnswer(page(), 2);
    await waitFor('the Rust block to be coloured', async () => {
      const v = await readChat(await chatFrame(page()));
      return (v.turns[1]?.highlighted ?? 0) > 0 ? true : undefined;
    }, 15_000);
    const names = chunkNames(await fetchedScripts(await chatFrame(page())));
    assert.deepEqual(names.filter((n) => n !== 'chunk').sort(), ['core', 'css', 'graphql', 'javascript', 'markdownEngine', 'rust', 'typescript', 'xml'], names.join(', '));
  });
});
