// Section 6: rendering a streamed answer in the chat webview. A 200 KB Markdown answer (headings, paragraphs,
// lists, tables and code blocks in several languages) arrives in 5,000 pieces; each piece goes to the BUILT chat
// bundle (dist/webview/chat.js) as the host's 'progress' message, in headless Chromium, in a plain page with a
// stub acquireVsCodeApi. Timed per piece: the message handler (incremental parse, sanitize, DOM insert) plus the
// layout it forces (the view keeps the transcript scrolled to the bottom). The figure that matters is the time
// per piece at the END of the answer against the START: incremental rendering keeps them alike.
// For contrast, "full re-render" renders the whole answer so far into the DOM for each piece (what a naive view
// does), for the first and the last 50 pieces only (the whole run would take minutes).

import type { Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../test/e2e/codeServer';
import { openChatPage } from '../test/e2e/webviewPage';

export const CHAT_ANSWER_BYTES = 200_000;
export const CHAT_PIECES = 5_000;
const WINDOW = 500;
const NAIVE_WINDOW = 50;


export interface WindowStats {
  meanMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export interface ChatRenderResult {
  answerBytes: number;
  pieces: number;
  start: WindowStats;
  end: WindowStats;
  totalMs: number;
  naiveStart?: WindowStats;
  naiveEnd?: WindowStats;
  /** The rendered DOM matches a one-shot rendering of the same answer. */
  correct: boolean;
  skipped?: string;
}

/** A realistic long answer: sections with prose, lists, a table and code in several languages. */
export function longAnswer(bytes = CHAT_ANSWER_BYTES): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 1; size < bytes; i++) {
    const section = [
      `## ${i}. Handling case ${i}`,
      '',
      `When the input is **large**, read it in \`chunks\` of ${i * 64} bytes and keep only what the next step needs; ` +
        'this keeps memory flat and lets the caller stop early. See [the docs](https://example.com/docs) for details.',
      '',
      '- validate the input first',
      '- then transform it, one record at a time',
      `- finally write the result (${i} files)`,
      '',
      i % 2
        ? `\`\`\`ts\nexport async function handle${i}(path: string): Promise<number> {\n  const text = await readFile(path, 'utf8');\n  // count the non-empty lines\n  return text.split(/\\r?\\n/).filter((l) => l.trim() !== '').length * ${i};\n}\n\`\`\``
        : `\`\`\`python\ndef handle_${i}(path: str) -> int:\n    """Count the non-empty lines."""\n    with open(path, encoding="utf-8") as f:\n        return sum(1 for line in f if line.strip()) * ${i}\n\`\`\``,
      '',
      '| step | cost | note |',
      '|---|---:|---|',
      `| read | ${i} ms | streamed |`,
      `| parse | ${i * 2} ms | incremental |`,
      '',
      '> Tip: measure before optimizing; the slow part is rarely where you expect.',
      '',
    ].join('\n');
    parts.push(section);
    size += section.length;
  }
  return parts.join('\n').slice(0, bytes);
}

function pieces(text: string, count: number): string[] {
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function stats(xs: number[]): WindowStats {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { meanMs: xs.reduce((a, b) => a + b, 0) / xs.length, medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1] ?? Number.NaN };
}

/**
 * Loads the grammars of `langs` in the page, in the chat bundle (by showing a conversation with such blocks until
 * they are coloured) and in the one-shot renderer, so that what is timed next is rendering, not fetching.
 */
export async function primeHighlighting(page: Page, langs: string[]): Promise<void> {
  await page.evaluate(async (langs) => {
    const w = window as unknown as { __loadLanguages: (names: string[]) => Promise<boolean[]> };
    await w.__loadLanguages(langs);
    const answer = langs.map((l) => `\`\`\`${l}\nx = 1\n\`\`\``).join('\n\n');
    const turn = { id: 'p1', question: 'prime', answer, status: 'done', followUps: [], botId: '1' };
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'state', state: { conversationId: 'p0', title: 'Prime', botId: '1', turns: [turn], busy: false, bots: [], history: [], trimmedTurns: 0 } } }));
  }, langs);
  await page.waitForFunction(
    (langs) => langs.every((l) => document.querySelector(`code.language-${l}:not(.highlight-pending) span`)),
    langs,
  );
}

export async function runChatRenderSection(root: string): Promise<ChatRenderResult> {
  const bundlePath = path.join(root, 'dist', 'webview', 'chat.js');
  const base: ChatRenderResult = {
    answerBytes: CHAT_ANSWER_BYTES,
    pieces: CHAT_PIECES,
    start: stats([0]),
    end: stats([0]),
    totalMs: 0,
    correct: false,
  };
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(bundlePath)) return { ...base, skipped: `${bundlePath} missing: run npm run build` };
  if (!fs.existsSync(chromium)) return { ...base, skipped: `${chromium} missing (apt-get install chromium)` };
  const { chromium: playwright } = await import('playwright-core');
  const browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await openChatPage(browser, root);
    await primeHighlighting(page, ['ts', 'python']);
    const answer = longAnswer();
    const parts = pieces(answer, CHAT_PIECES);
    const result = await page.evaluate(
      ({ parts, window: win, naiveWindow }) => {
        const send = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }));
        const turn = { id: 't1', question: 'Explain it at length', answer: '', status: 'waiting', followUps: [], botId: '1' };
        send({ type: 'state', state: { conversationId: 'c1', title: 'Bench', botId: '1', turns: [turn], busy: true, bots: [], history: [], trimmedTurns: 0 } });
        const times: number[] = [];
        let offset = 0;
        const started = performance.now();
        for (const append of parts) {
          const t0 = performance.now();
          send({ type: 'progress', turnId: 't1', offset, append, status: 'streaming' });
          void document.body.offsetHeight; // the layout this piece causes, if the handler did not force it already
          times.push(performance.now() - t0);
          offset += append.length;
        }
        const totalMs = performance.now() - started;
        send({ type: 'state', state: { conversationId: 'c1', title: 'Bench', botId: '1', turns: [{ ...turn, answer: parts.join(''), status: 'done' }], busy: false, bots: [], history: [], trimmedTurns: 0 } });
        const body = document.querySelector('.answer-body')!;
        // Same DOM as a one-shot render, apart from the code-block toolbars and the chunks the chat adds.
        const shown = body.cloneNode(true) as HTMLElement;
        shown.querySelectorAll('.code-toolbar').forEach((n) => n.remove());
        shown.querySelectorAll('[data-decorated]').forEach((n) => n.removeAttribute('data-decorated'));
        shown.querySelectorAll('.md-chunk').forEach((n) => n.replaceWith(...n.childNodes));
        const render = (window as unknown as { __renderMarkdown: (s: string) => string }).__renderMarkdown;
        const expected = document.createElement('div');
        expected.innerHTML = render(parts.join(''));
        const correct = shown.innerHTML === expected.innerHTML;
        const posted = (window as unknown as { __posted: Array<{ type: string }> }).__posted;
        const resyncs = posted.filter((m) => m.type === 'ready').length;
        // The naive way: the whole answer so far rendered into the DOM for each piece.
        const target = document.createElement('div');
        document.body.append(target);
        const naive = (from: number, count: number) => {
          const out: number[] = [];
          let text = parts.slice(0, from).join('');
          for (let i = from; i < from + count; i++) {
            text += parts[i];
            const t0 = performance.now();
            target.innerHTML = render(text);
            void target.offsetHeight;
            out.push(performance.now() - t0);
          }
          return out;
        };
        return {
          start: times.slice(0, win),
          end: times.slice(-win),
          totalMs,
          correct,
          resyncs,
          naiveStart: naive(0, naiveWindow),
          naiveEnd: naive(parts.length - naiveWindow, naiveWindow),
        };
      },
      { parts, window: WINDOW, naiveWindow: NAIVE_WINDOW },
    );
    return {
      answerBytes: answer.length,
      pieces: parts.length,
      start: stats(result.start),
      end: stats(result.end),
      totalMs: result.totalMs,
      naiveStart: stats(result.naiveStart),
      naiveEnd: stats(result.naiveEnd),
      correct: result.correct && result.resyncs === 1,
    };
  } finally {
    await browser.close();
  }
}

/** Keys of ChatViewStrings (the page needs them all; their values do not matter here). */
