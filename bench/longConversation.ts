// Section 10: opening a long conversation from the history in the chat webview. A conversation of N turns (each a
// question and a ~5 KB Markdown answer with code blocks, tables and lists: 200 turns ≈ 1 MB) goes to the BUILT
// chat bundle (dist/webview/chat.js) as the host's 'state' message, in headless Chromium, in the plain page of
// bench/chatRender.ts. Timed from the message to:
// - "rendered": the handler and the layout it causes (the transcript scrolled to its end, synchronously);
// - "first frame": the next animation frame and the task after it, i.e. when the page has painted and takes input.
// Checked outside the timing: the newest turn is in view, the transcript scrolls, and scrolling to the top brings
// older turns in (when the view renders only the newest ones). The goal is ≤ 150 ms at 200 turns and figures
// that stay flat from 50 to 800 turns (only the newest turns are rendered; the rest waits for the user to scroll up).
//
// Run alone: `node out/bench/longConversation.js` after `npm run compile && npm run build`.

import type { Browser } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { CHROMIUM_ARGS } from '../test/e2e/codeServer';
import { openChatPage } from '../test/e2e/webviewPage';
import { longAnswer } from './chatRender';
import { ms, median, min, printTable, round } from './table';

export const LONG_CONVERSATION_TURNS = [50, 200, 800];
const ROUNDS = 5;
const ANSWER_BYTES = 5_000;

export interface LongConversationRow {
  turns: number;
  bytes: number;
  renderedMs: number[];
  firstFrameMs: number[];
  /** The first opening in a fresh page, which fetches and compiles the Markdown engine first (not counted above). */
  coldMs?: number;
  /** `.turn` elements in the DOM once opened. */
  renderedTurns: number;
  newestVisible: boolean;
  scrollable: boolean;
  /** Turns in the DOM after scrolling to the top and letting the view load what it loads. */
  turnsAfterScrollUp: number;
}

export interface LongConversationResult {
  rows: LongConversationRow[];
  skipped?: string;
}

/** The turns of a conversation as the host sends them (ChatTurnView), `count` of them. */
export function longConversationTurns(count: number, answerBytes = ANSWER_BYTES): Array<Record<string, unknown>> {
  const answer = longAnswer(answerBytes);
  return Array.from({ length: count }, (_, i) => ({
    id: `t${String(i).padStart(19, '0')}`,
    question: `Question ${i + 1}: how do I handle case ${i + 1} when the input is large?`,
    // Each answer differs a little, so that nothing can be cached across turns.
    answer: `Answer ${i + 1}.\n\n${answer}`,
    status: 'done',
    followUps: i === count - 1 ? ['And for case 2?', 'Show a test'] : [],
    botId: '7445600453913968691',
    botName: 'Code Helper',
    usage: { tokenCount: 1200, outputCount: 1000, inputCount: 200 },
    elapsedMs: 2300,
  }));
}

export async function runLongConversationSection(root: string, counts = LONG_CONVERSATION_TURNS, rounds = ROUNDS): Promise<LongConversationResult> {
  const bundlePath = path.join(root, 'dist', 'webview', 'chat.js');
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(bundlePath)) return { rows: [], skipped: `${bundlePath} missing: run npm run build` };
  if (!fs.existsSync(chromium)) return { rows: [], skipped: `${chromium} missing (apt-get install chromium)` };
  const { chromium: playwright } = await import('playwright-core');
  const browser: Browser = await playwright.launch({ executablePath: chromium, args: CHROMIUM_ARGS, headless: true });
  try {
    const rows: LongConversationRow[] = [];
    for (const count of counts) {
      const turns = longConversationTurns(count);
      const bytes = turns.reduce((sum, t) => sum + String(t.question).length + String(t.answer).length, 0);
      const row: LongConversationRow = { turns: count, bytes, renderedMs: [], firstFrameMs: [], renderedTurns: 0, newestVisible: false, scrollable: false, turnsAfterScrollUp: 0 };
      // A fresh page per size (the first round warms the JIT and is not counted), a new conversation per round.
      const page = await openChatPage(browser, root);
      for (let round = 0; round <= rounds; round++) {
        const r = await page.evaluate(
          async ({ turns, round }) => {
            const send = (data: unknown) => window.dispatchEvent(new MessageEvent('message', { data }));
            const state = (id: string, list: unknown[]) => ({
              type: 'state',
              state: { conversationId: id, title: 'Long', botId: '7445600453913968691', turns: list, busy: false, bots: [], history: [], trimmedTurns: 0, attachments: [] },
            });
            // Another conversation first, so that this one is opened as from the history (a change of conversation).
            send(state(`e${String(round).padStart(19, '0')}`, []));
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            const t0 = performance.now();
            send(state(`c${String(round).padStart(19, '0')}`, turns));
            // In a fresh page (round 0) the Markdown engine is fetched first (src/webview/shared/markdownLoader.ts):
            // the page shows the conversation once it is here, so that round waits for the turns to appear.
            const shown = () => document.querySelector('.turn') !== null && document.querySelector('.md-pending') === null;
            while (round === 0 && !shown()) await new Promise((resolve) => requestAnimationFrame(resolve));
            void document.body.offsetHeight;
            const transcript = document.querySelector<HTMLElement>('.transcript')!;
            void transcript.scrollTop;
            const rendered = performance.now() - t0;
            if (!shown()) throw new Error('the conversation was not drawn synchronously once the Markdown engine had loaded');
            await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            const firstFrame = performance.now() - t0;
            const all = document.querySelectorAll<HTMLElement>('.turn');
            const newest = all[all.length - 1];
            const box = transcript.getBoundingClientRect();
            const last = newest?.getBoundingClientRect();
            const newestVisible = !!last && last.bottom > box.top && last.top < box.bottom && newest!.dataset.turnId === (turns.at(-1) as { id: string }).id;
            const scrollable = transcript.scrollHeight > transcript.clientHeight && transcript.scrollTop > 0;
            const renderedTurns = all.length;
            // Scrolling up: the view may bring older turns in (a few frames for its observer to see the top).
            transcript.scrollTop = 0;
            for (let i = 0; i < 10; i++) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
            return { rendered, firstFrame, renderedTurns, newestVisible, scrollable, turnsAfterScrollUp: document.querySelectorAll('.turn').length };
          },
          { turns, round },
        );
        if (round === 0) {
          row.coldMs = r.rendered;
          continue;
        }
        row.renderedMs.push(r.rendered);
        row.firstFrameMs.push(r.firstFrame);
        Object.assign(row, { renderedTurns: r.renderedTurns, newestVisible: r.newestVisible, scrollable: r.scrollable, turnsAfterScrollUp: r.turnsAfterScrollUp });
      }
      await page.close();
      rows.push(row);
    }
    return { rows };
  } finally {
    await browser.close();
  }
}

export function printLongConversation(r: LongConversationResult): void {
  const title = '10. Opening a long conversation from the history (built chat bundle, headless Chromium)';
  if (r.skipped) {
    printTable(title, ['figure', 'value'], [['skipped', r.skipped]]);
    return;
  }
  printTable(
    title,
    ['turns', 'text', 'rendered med', 'min', 'first frame med', 'min', 'fresh page', 'turns in DOM', 'newest in view', 'scrolls', 'after scroll up'],
    r.rows.map((row) => [
      row.turns,
      `${(row.bytes / 1e6).toFixed(2)} MB`,
      ms(median(row.renderedMs)),
      ms(min(row.renderedMs)),
      ms(median(row.firstFrameMs)),
      ms(min(row.firstFrameMs)),
      row.coldMs === undefined ? '' : ms(row.coldMs),
      row.renderedTurns,
      row.newestVisible ? 'yes' : 'NO',
      row.scrollable ? 'yes' : 'NO',
      row.turnsAfterScrollUp,
    ]),
    [
      `From the 'state' message to: rendered = handler + layout (scrolled to the end); first frame = the next frame has painted. ${ROUNDS} rounds after 1 warm-up, a fresh page per size.`,
      'Each turn: a question and a ~5 KB Markdown answer (headings, lists, a table, a code block). Goal: ≤ 150 ms at 200 turns, flat beyond the part shown.',
      '"fresh page": the warm-up opening, in a page that has not shown Markdown yet, so the Markdown engine is fetched and compiled first (to the frame the turns appear in).',
    ],
  );
}

export function longConversationSummary(r: LongConversationResult): unknown {
  return {
    skipped: r.skipped,
    rows: r.rows.map((row) => ({
      turns: row.turns,
      bytes: row.bytes,
      renderedMs: { median: round(median(row.renderedMs)), min: round(min(row.renderedMs)) },
      firstFrameMs: { median: round(median(row.firstFrameMs)), min: round(min(row.firstFrameMs)) },
      freshPageMs: row.coldMs === undefined ? undefined : round(row.coldMs),
      renderedTurns: row.renderedTurns,
      newestVisible: row.newestVisible,
      scrollable: row.scrollable,
      turnsAfterScrollUp: row.turnsAfterScrollUp,
    })),
  };
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  runLongConversationSection(root).then(
    (r) => printLongConversation(r),
    (e: unknown) => {
      console.error('long conversation bench failed:', e);
      process.exitCode = 1;
    },
  );
}
