// A plain Chromium page running the BUILT chat webview bundle (dist/webview/chat.js) as VS Code would, with a stub
// acquireVsCodeApi: the bench renders in it (bench/chatRender.ts, bench/longConversation.ts), and
// test/e2e/ui/markdownLoading.test.ts uses it to hold a chunk back and see what the page shows meanwhile.

import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export interface WebviewPageOptions {
  /** The page: dist/webview/chat.js (default) or answer.js. */
  entry?: 'chat' | 'answer';
  /** The answer panel's data besides its strings ({ state }). */
  initial?: unknown;
  /** Awaited before a file of dist/webview is served ("chat.js", "chunks/markdownEngine-….js"); 'fail' fails its load. */
  beforeServe?: (file: string) => Promise<'fail' | void>;
  waitForReady?: boolean;
}

/**
 * The one-shot renderer, bundled for the page (the naive comparison and the correctness check). Its grammars
 * load on demand like the views' (one script: import() stays inside it); __loadLanguages gets them first.
 */
async function naiveBundle(root: string): Promise<string> {
  const result = await esbuild.build({
    stdin: {
      contents:
        "import { renderMarkdown } from './src/webview/shared/markdown'; import { loadLanguage } from './src/webview/shared/highlighter';" +
        ' (window as any).__renderMarkdown = renderMarkdown; (window as any).__loadLanguages = (names: string[]) => Promise.all(names.map(loadLanguage));',
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Where the plain page and the built bundle are served from (a page of its own origin, as a webview is). */
const PAGE_ORIGIN = 'http://ask-coze.bench';

/**
 * A plain page running a built webview bundle (chat.js, or answer.js with `initial` as the panel's data) with a stub
 * acquireVsCodeApi (messages it posts: window.__posted), returned once the page runs (it has posted 'ready', unless
 * `waitForReady` is false). The bundle is an ES module whose chunks load from dist/webview/ as in a webview, so the
 * page is served from an origin of its own (page.route), not set inline.
 */
export async function openWebviewPage(browser: Browser, root: string, options: WebviewPageOptions = {}): Promise<Page> {
  const entry = options.entry ?? 'chat';
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  const dist = path.join(root, 'dist', 'webview');
  let html = '';
  await page.route(`${PAGE_ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html });
    const file = path.join(dist, ...url.pathname.split('/').filter(Boolean));
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file)) return route.fulfill({ status: 404, body: '' });
    const name = path.relative(dist, file).split(path.sep).join('/');
    if ((await options.beforeServe?.(name)) === 'fail') return route.abort('failed');
    return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(file, 'utf8') });
  });
  const media = (name: string) => fs.readFileSync(path.join(root, 'media', name), 'utf8').replace(/@import[^;]+;/g, '');
  const css = [`${entry}.css`, 'controls.css', 'thinking.css', 'highlight.css'].map(media).join('\n');
  const strings = Object.fromEntries((entry === 'chat' ? STRING_KEYS : ANSWER_STRING_KEYS).map((k) => [k, k]));
  const data = JSON.stringify(entry === 'chat' ? { strings } : { strings, ...(options.initial as object) }).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const script = (code: string) => `<script>${code.replace(/<\/script/g, '<\\/script')}</script>`;
  html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>${css}</style></head><body><div id="app" data-initial="${data}"></div>
${script('window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });')}
<script type="module" src="/${entry}.js"></script>
${script(await naiveBundle(root))}</body></html>`;
  await page.goto(`${PAGE_ORIGIN}/`);
  if (options.waitForReady !== false) {
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
  }
  return page;
}

/** The chat page (bench/chatRender.ts, bench/longConversation.ts). */
export function openChatPage(browser: Browser, root: string, options: WebviewPageOptions = {}): Promise<Page> {
  return openWebviewPage(browser, root, { ...options, entry: 'chat' });
}

/** The answer panel's strings, as their own keys (what the page shows does not matter to the tests using it). */
const ANSWER_STRING_KEYS = [
  'question', 'waiting', 'copyAnswer', 'copyCode', 'copied', 'retry', 'followUps', 'stopped', 'failed', 'tokens', 'bot', 'code', 'logId',
  'showMore', 'showLess', 'continueInChat', 'parameters', 'workflow', 'openRun', 'stoppedAt', 'waitingAt', 'thinking', 'thoughtFor', 'thoughts',
  'applyCode', 'applyCodeHint',
];

const STRING_KEYS = [
  'inputPlaceholder', 'inputLabel', 'send', 'stop', 'retry', 'copyAnswer', 'copyCode', 'insertCode', 'copied', 'inserted', 'you', 'bot',
  'botLabel', 'tokens', 'seconds', 'waiting', 'answering', 'answered', 'stopped', 'interrupted', 'failed', 'followUps', 'newChat',
  'history', 'historyEmpty', 'backToChat', 'rename', 'renameLabel', 'delete', 'save', 'cancel', 'emptyTitle', 'emptyHint', 'trimmed',
  'turns', 'untitled', 'code', 'logId', 'thinking', 'thoughtFor', 'thoughts',
  // The history search and a long conversation's pages (bench/longConversation.ts).
  'searchHistory', 'searching', 'searchNoMatches', 'searchMatches', 'searchOneMatch', 'searchLimited', 'searchInQuestion', 'searchInAnswer', 'searchInTitle',
  'exportConversation', 'earlierTurns', 'laterTurns',
];
