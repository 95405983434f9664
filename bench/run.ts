// npm run bench: performance figures of Ask Coze against the fake Coze server on 127.0.0.1.
// Times are printed, never asserted; the process exits 1 only when a correctness check fails (wrong answer text).
//
// What the figures mean:
// 1. Streaming (fake in a child process, 1,000,000-byte answer in 10,000 deltas of 80 code points / 100 bytes,
//    no pause between deltas; 1 warm-up round, then N rounds; median and min). Run twice: "per event" (the fake
//    writes each event to the socket and waits for it, as a live server does: the fake is the bottleneck) and
//    "16 KB writes" (cuts fall inside lines and UTF-8 characters; the client's own cost shows):
//    - first text: from the call to the first answer text. raw = a plain undici request() of the same
//      POST /v3/chat, draining the body without parsing: "first byte" is its first body chunk, "first text" the
//      chunk holding the first delta event. raw is the floor; "over raw" is our (or the SDK's) cost above it.
//    - total: to the final answer (raw: body fully drained). answer MB/s = 1,000,000 bytes / total.
//    - ok: the text equals the fake's answer byte for byte (checked outside the timing).
// 2. Poll mode (in-process fake; the chat completes completeAfterMs after creation): "after completion" =
//    answer in hand minus (POST /v3/chat arrival + completeAfterMs); calls per question counted from
//    fake.requests by endpoint. Coze's free plan allows 500 calls in total: every poll is one.
// 3. Rate limiter: 10 concurrent questions through one client with minIntervalMs 50; gaps between consecutive
//    request arrivals at the fake (fake.requests[].startedAt), and, to tell the limiter from the event loop,
//    between the limiter's grants and between the client's dispatches to undici. Grants must be >= 50 ms apart;
//    dispatches and arrivals can come a little closer (a continuation delayed by other work, a new connection).
// 4. Bundle: file sizes of the esbuild outputs, as built (dist/) and minified as --production does (what the
//    .vsix ships), and the .vsix if packaged; require() of extension.js (+ activate() with a stubbed vscode
//    module) and of coze.js, each in fresh Node processes, median.
//    "coze.js at activation" must be "no": the client (with undici) loads on the first question.
//    The webview pages: each entry's size at load (the entry module and the chunks it imports statically), all
//    chunks together, and what the first TypeScript block fetches (highlight.js core and its grammars).
// 5. Memory: V8 heap used after a full GC before and after section 1 (modules loaded beforehand), and the peak
//    sampled every 10 ms during each variant (uncollected garbage included).
// 6. Chat view (bench/chatRender.ts): time per streamed piece at the start vs the end of a 200 KB answer in
//    5,000 pieces, in headless Chromium with the built chat bundle; and a full re-render per piece for contrast.
// 7. Soak (test/load/soak.ts, shared with test/unit/soak.test.ts): 1,000 questions in a row, then 20 at once, through the real client against an in-process
//    fake (every 4th polls, the others stream); every answer checked; the rate limiter's grant gaps; what is left
//    after close(): open sockets at the fake, active timers, 'abort' listeners, process warnings; heap after a full
//    GC before and after.
// 8. History saves (bench/historySave.ts): the cost of one chat history save of a typical and a 1 MB
//    conversation, in one window and after another window wrote the file; writes per streamed answer under the
//    old policy and at several intervals, and how far behind the file can fall (what SAVE_INTERVAL_MS is chosen from).
// 9. History search (bench/historySearch.ts): 200 conversations / 50 MB in a temporary folder, searched as the
//    history's search box does: time to the first hits and to the end, files read, heap used meanwhile.
// 10. Long conversation (bench/longConversation.ts): a conversation of 50, 200 and 800 turns (200 ≈ 1 MB) opened
//    in headless Chromium with the built chat bundle: time until rendered and until the first frame.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { FakeCozeServer } from '../test/fake-coze/server';
import { loadSummary, runBundleSection, type BuildResult, type BundleSectionResult } from './bundle';
import { runChatRenderSection, type ChatRenderResult } from './chatRender';
import { runHistorySaveSection, type HistorySaveResult } from './historySave';
import { historySearchSummary, printHistorySearch, runHistorySearchSection, type HistorySearchResult } from './historySearch';
import { longConversationSummary, printLongConversation, runLongConversationSection, type LongConversationResult } from './longConversation';
import { runLimiterSection, runPollSection, type LimiterScenario, type PollSectionResult } from './poll';
import { runSoak, type SoakResult } from '../test/load/soak';
import { RemoteFake } from './remoteFake';
import { ANSWER_BYTES, DELTAS, errText, runStreamSection, type StreamSectionResult, type VariantResult } from './stream';
import { bytes, max, mb, median, min, ms, printTable, round, stats, type Cell } from './table';

const STREAM_CONFIGS: Array<{ label: string; chunking: 'event' | { bytes: number } }> = [
  { label: 'per event (10,000 writes)', chunking: 'event' },
  { label: '16 KB writes', chunking: { bytes: 16384 } },
];

const TOKEN = 'pat_test_token';
const ROOT = path.resolve(__dirname, '..', '..');
const STREAM_ROUNDS = 5;
const POLL_RUNS = 3;
const LOAD_PROCESSES = 7;
const SOAK_SEQUENTIAL = 1000;
const SOAK_CONCURRENT = 20;
const SOAK_INTERVALS = { sequential: 2, concurrent: 5 };

function heapAfterGc(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return getHeapStatistics().used_heap_size;
}

async function main(): Promise<number> {
  const started = Date.now();
  const failures: string[] = [];
  const log = (s: string) => console.log(s);
  console.log(`Ask Coze bench — Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);

  // ---- 1. streaming (and 5. memory around it) ----
  // Load the SDK first, so that "retained" below is what the streaming left behind, not module code.
  await import('@coze/api').catch(() => undefined);
  const heapBefore = heapAfterGc();
  const streams: Array<StreamSectionResult & { label: string }> = [];
  const remote = await RemoteFake.start(TOKEN);
  try {
    for (const c of STREAM_CONFIGS) {
      const r = await runStreamSection(remote, TOKEN, { rounds: STREAM_ROUNDS, warmups: 1, chunking: c.chunking, log });
      streams.push({ ...r, label: c.label });
    }
  } catch (e) {
    failures.push(`streaming section failed: ${errText(e)}`);
  } finally {
    await remote.close();
  }
  const heapAfter = heapAfterGc();
  for (const s of streams) {
    printStream(s);
    failures.push(...s.answerCheck.failures);
  }

  // ---- 2 and 3. poll mode and rate limiter, in-process fake ----
  let poll: PollSectionResult | undefined;
  let limiter: { scenarios: LimiterScenario[]; failures: string[] } | undefined;
  const fake = await FakeCozeServer.start({ tokens: [TOKEN] });
  try {
    poll = await runPollSection(fake, TOKEN, { runs: POLL_RUNS, completeAfterMs: 300 });
    printPoll(poll);
    failures.push(...poll.failures);
    limiter = await runLimiterSection(fake, TOKEN, { questions: 10, minIntervalMs: 50 });
    printLimiter(limiter.scenarios, 50);
    failures.push(...limiter.failures);
  } catch (e) {
    failures.push(`poll/limiter section failed: ${errText(e)}`);
  } finally {
    await fake.close();
  }

  // ---- 4. bundle ----
  const bundle = await runBundleSection(ROOT, { processes: LOAD_PROCESSES });
  printBundle(bundle);

  // ---- 6. chat rendering (printed after memory, numbered as in the header) ----
  let chatRender: ChatRenderResult | undefined;
  try {
    chatRender = await runChatRenderSection(ROOT);
    if (!chatRender.skipped && !chatRender.correct) failures.push('chat rendering: the streamed DOM differs from a one-shot rendering of the answer');
  } catch (e) {
    failures.push(`chat rendering section failed: ${errText(e)}`);
  }

  // ---- 5. memory ----
  const peaks = streams.flatMap((s) => s.variants.filter((v) => v.runs.length > 0).map((v) => ({ v, label: s.label })));
  printTable(
    '5. Memory (V8 heap used; after full GC unless "peak")',
    ['when', 'heap used'],
    [
      ['before streaming section', mb(heapBefore)],
      ...peaks.map(({ v, label }): Cell[] => [`peak, ${variantName(v)}, ${label}`, mb(v.peakHeap)]),
      ['after streaming section', mb(heapAfter)],
      ['retained (after - before)', `${((heapAfter - heapBefore) / 1024 / 1024).toFixed(2)} MiB`],
    ],
    [
      (global as { gc?: unknown }).gc ? 'GC forced with --expose-gc.' : 'No --expose-gc: figures include garbage.',
      'Peaks include garbage not yet collected and the 1 MB expected answer the bench holds.',
    ],
  );

  if (chatRender) printChatRender(chatRender);

  // ---- 7. soak ----
  let soak: SoakResult | undefined;
  try {
    soak = await runSoak({ sequential: SOAK_SEQUENTIAL, concurrent: SOAK_CONCURRENT, minIntervalMs: SOAK_INTERVALS });
    printSoak(soak);
    failures.push(...soak.failures.map((f) => `soak: ${f}`));
  } catch (e) {
    failures.push(`soak section failed: ${errText(e)}`);
  }

  // ---- 8. history saves ----
  let historySaves: HistorySaveResult | undefined;
  try {
    historySaves = await runHistorySaveSection(ROOT);
    printHistorySaves(historySaves);
  } catch (e) {
    failures.push(`history save section failed: ${errText(e)}`);
  }

  // ---- 9. history search ----
  let historySearch: HistorySearchResult | undefined;
  try {
    historySearch = await runHistorySearchSection();
    printHistorySearch(historySearch);
    for (const row of historySearch.rows) if (!row.correct) failures.push(`history search: "${row.query}" found the wrong conversations`);
  } catch (e) {
    failures.push(`history search section failed: ${errText(e)}`);
  }

  // ---- 10. long conversation ----
  let longConversation: LongConversationResult | undefined;
  try {
    longConversation = await runLongConversationSection(ROOT);
    printLongConversation(longConversation);
    for (const row of longConversation.rows) if (!row.newestVisible || !row.scrollable) failures.push(`long conversation: ${row.turns} turns did not open at the newest turn, scrollable`);
  } catch (e) {
    failures.push(`long conversation section failed: ${errText(e)}`);
  }

  // ---- summary ----
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    durationS: round((Date.now() - started) / 1000),
    stream: streams.map((st) => ({
      writes: st.label,
      answerBytes: ANSWER_BYTES,
      deltas: DELTAS,
      wireBytes: st.wireBytes,
      rounds: STREAM_ROUNDS,
      variants: st.variants.map((v) => ({
        variant: v.variant,
        skipped: v.skipped,
        firstTextMs: v.runs.length ? stats(v.runs.map((r) => r.firstText)) : undefined,
        firstByteMs: v.variant === 'raw' && v.runs.length ? stats(v.runs.map((r) => r.firstByte ?? Number.NaN)) : undefined,
        totalMs: v.runs.length ? stats(v.runs.map((r) => r.total)) : undefined,
        answerMBps: v.runs.length ? round(ANSWER_BYTES / 1e6 / (median(v.runs.map((r) => r.total)) / 1000), 2) : undefined,
        correct: v.variant === 'raw' ? undefined : v.runs.every((r) => r.correct),
        peakHeapMiB: round(v.peakHeap / 1024 / 1024),
      })),
    })),
    poll: poll && {
      completeAfterMs: poll.completeAfterMs,
      variants: poll.variants.map((v) => ({
        label: v.label,
        skipped: v.skipped,
        afterCompletionMs: v.runs.length && !v.runs.some((r) => Number.isNaN(r.afterCompletion)) ? stats(v.runs.map((r) => r.afterCompletion)) : undefined,
        callsPerQuestion: v.runs.length ? round(median(v.runs.map((r) => totalCalls(r.calls)))) : undefined,
        calls: v.runs[0]?.calls,
      })),
    },
    limiter: limiter?.scenarios.map((s) => ({
      label: s.label,
      requests: s.requests,
      grantMinGapMs: round(min(s.grantGaps), 2),
      dispatchMinGapMs: round(min(s.clientGaps), 2),
      minGapMs: round(min(s.gaps), 2),
      medianGapMs: round(median(s.gaps), 2),
      spanMs: round(s.spanMs),
    })),
    bundle: {
      vsixBytes: bundle.vsix?.bytes,
      builds: bundle.builds.map((b) => ({
        build: b.label,
        error: b.error,
        files: Object.fromEntries(b.files.map((f) => [f.file, f.bytes])),
        webviewAtLoad: b.webviewLoads && Object.fromEntries(b.webviewLoads.map((l) => [l.entry, l.bytes])),
        webviewChunks: b.chunks,
        firstTypeScriptBlockBytes: b.firstTypeScriptBlock?.bytes,
        markdownEngineBytes: b.markdownEngine?.bytes,
        loads: b.loads.map((l) => ({ file: l.file, ...loadSummary(l), cozeLoadedAtActivation: l.cozeLoaded, error: l.error ?? l.activateError })),
      })),
    },
    chatRender: chatRender && {
      skipped: chatRender.skipped,
      answerBytes: chatRender.answerBytes,
      pieces: chatRender.pieces,
      perPieceStartMs: chatRender.start,
      perPieceEndMs: chatRender.end,
      totalMs: round(chatRender.totalMs),
      fullRerenderStartMs: chatRender.naiveStart,
      fullRerenderEndMs: chatRender.naiveEnd,
      correct: chatRender.correct,
    },
    memory: { heapBeforeMiB: round(heapBefore / 1048576, 2), heapAfterMiB: round(heapAfter / 1048576, 2) },
    soak: soak && {
      phases: soak.phases.map((p) => ({
        label: p.label,
        questions: p.questions,
        correct: p.correct,
        requests: p.requests,
        minIntervalMs: p.minIntervalMs,
        minGrantGapMs: round(p.minGrantGapMs, 3),
        durationMs: round(p.durationMs),
        perQuestionMs: round(p.durationMs / Math.max(1, p.questions), 2),
      })),
      openConnectionsAfterClose: soak.openConnectionsAfterClose,
      timersBefore: soak.timersBefore,
      timersAfter: soak.timersAfter,
      abortListenersAfter: soak.abortListenersAfter,
      heapBeforeMiB: round(soak.heapBeforeBytes / 1048576, 2),
      heapAfterMiB: round(soak.heapAfterBytes / 1048576, 2),
      gcForced: soak.gcForced,
    },
    historySaves: historySaves && {
      chosenIntervalMs: historySaves.chosenIntervalMs,
      costs: historySaves.costs.map((c) => ({
        conversation: c.label,
        bytes: c.bytes,
        sameWindowMs: { median: round(c.sameWindow.medianMs, 2), p95: round(c.sameWindow.p95Ms, 2), cpuMedian: round(c.sameWindow.cpuMedianMs, 2) },
        afterOtherWindowMs: { median: round(c.afterOther.medianMs, 2), p95: round(c.afterOther.p95Ms, 2), cpuMedian: round(c.afterOther.cpuMedianMs, 2) },
      })),
      policies: historySaves.policies.map((p) => ({ ...p, streamMs: round(p.streamMs) })),
    },
    historySearch: historySearch && historySearchSummary(historySearch),
    longConversation: longConversation && longConversationSummary(longConversation),
    failures,
  };
  const outDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(summary, null, 1)}\n`);

  console.log(`\nSummary written to ${path.relative(process.cwd(), path.join(outDir, 'latest.json')) || 'bench/results/latest.json'} (${summary.durationS} s).`);
  if (failures.length) {
    console.log('\nCORRECTNESS FAILURES:');
    for (const f of failures) console.log(`  - ${f}`);
    return 1;
  }
  console.log('All correctness checks passed.');
  return 0;
}

function variantName(v: VariantResult): string {
  return v.variant === 'raw' ? 'raw undici (floor)' : v.variant === 'ours' ? 'CozeClient stream' : '@coze/api chat.stream';
}

function totalCalls(c: Record<string, number>): number {
  return Object.values(c).reduce((a, b) => a + b, 0);
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))}`;
}

function printStream(s: StreamSectionResult & { label: string }): void {
  const raw = s.variants.find((v) => v.variant === 'raw')!;
  const rawFirst = median(raw.runs.map((r) => r.firstText));
  const rawTotal = median(raw.runs.map((r) => r.total));
  const rows: Cell[][] = [];
  const notes: string[] = [];
  for (const v of s.variants) {
    if (v.skipped || v.runs.length === 0) {
      rows.push([variantName(v), '-', '-', '-', '-', '-', '-', '-', 'skipped']);
      notes.push(`${variantName(v)} skipped: ${v.skipped ?? 'no runs'}`);
      continue;
    }
    const first = v.runs.map((r) => r.firstText);
    const total = v.runs.map((r) => r.total);
    const isRaw = v.variant === 'raw';
    rows.push([
      variantName(v),
      ms(median(first)),
      ms(min(first)),
      isRaw ? '(floor)' : signed(median(first) - rawFirst),
      ms(median(total)),
      ms(min(total)),
      isRaw ? '(floor)' : signed(median(total) - rawTotal),
      (ANSWER_BYTES / 1e6 / (median(total) / 1000)).toFixed(1),
      isRaw ? 'n/a' : v.runs.every((r) => r.correct) ? 'yes' : 'NO',
    ]);
  }
  notes.unshift(
    `raw first byte: median ${ms(median(raw.runs.map((r) => r.firstByte ?? Number.NaN)))}, min ${ms(min(raw.runs.map((r) => r.firstByte ?? Number.NaN)))}; ` +
      `${bytes(s.wireBytes)} on the wire for ${bytes(ANSWER_BYTES)} of answer (${DELTAS} deltas).`,
    `fake's answer is the planned 1,000,000-byte text: ${s.answerCheck.fakeServesExpected ? 'yes' : 'NO'}; ok = client text === fake's answer.`,
  );
  const ours = s.variants.find((v) => v.variant === 'ours');
  if (ours?.runs.length) notes.push(`CozeClient onProgress calls per answer: ${ours.runs[0]!.events ?? '-'}.`);
  printTable(
    `1. Streaming: 1 MB answer in ${DELTAS} deltas, fake writes ${s.label} (fake in a child process; ${raw.runs.length} rounds after 1 warm-up)`,
    ['variant', 'first text med', 'min', 'over raw', 'total med', 'min', 'over raw', 'answer MB/s', 'ok'],
    rows,
    notes,
  );
}

function printPoll(p: PollSectionResult): void {
  const rows: Cell[][] = [];
  const notes: string[] = [];
  for (const v of p.variants) {
    if (v.skipped || v.runs.length === 0) {
      rows.push([v.label, '-', '-', '-', '-', '-', '-']);
      notes.push(`${v.label} skipped: ${v.skipped ?? 'no runs'}`);
      continue;
    }
    const after = v.runs.map((r) => r.afterCompletion);
    const c = v.runs[0]!.calls;
    const calls = v.runs.map((r) => totalCalls(r.calls));
    rows.push([
      v.label,
      Number.isNaN(after[0]!) ? 'n/a' : ms(median(after)),
      Number.isNaN(after[0]!) ? 'n/a' : ms(min(after)),
      ms(median(v.runs.map((r) => r.total)), 0),
      min(calls) === max(calls) ? String(calls[0]) : `${min(calls)}-${max(calls)}`,
      `${c.chat ?? 0}/${c.retrieve ?? 0}/${c.list ?? 0}`,
      v.label.startsWith('ours') ? (v.runs.every((r) => r.correct) ? 'yes' : 'NO') : v.runs.every((r) => r.correct) ? 'yes' : 'no',
    ]);
  }
  const T = 10;
  notes.push(
    `A chat running ${T} s would cost ≈ 2 + ${T}/interval calls: poll 1 s ≈ ${2 + T}, poll 100 ms ≈ ${2 + T * 10}, stream 1 ` +
      `→ the free plan's 500 calls last ≈ ${Math.floor(500 / (2 + T))}, ${Math.floor(500 / (2 + T * 10))} or 500 such questions.`,
  );
  notes.push('"after completion" = answer in hand − (POST /v3/chat arrival + completeAfterMs); up to ~1 ms is the fake\'s own timer lateness.');
  printTable(
    `2. Poll mode: chat completes ${p.completeAfterMs} ms after creation (${POLL_RUNS} runs each)`,
    ['variant', 'after completion med', 'min', 'total med', 'calls/question', 'chat/retrieve/list', 'ok'],
    rows,
    notes,
  );
}

function printLimiter(scenarios: LimiterScenario[], minIntervalMs: number): void {
  printTable(
    `3. Rate limiter: minIntervalMs ${minIntervalMs}, questions started at once (gaps between consecutive request starts)`,
    ['scenario', 'requests', 'min grant gap', 'min dispatch gap', 'min arrival gap', 'median arrival', 'max arrival', 'span', `arrivals >= ${minIntervalMs}`, 'answers ok'],
    scenarios.map((s) => [
      s.label,
      s.requests,
      ms(min(s.grantGaps), 2),
      ms(min(s.clientGaps), 2),
      ms(min(s.gaps), 2),
      ms(median(s.gaps), 2),
      ms(max(s.gaps), 1),
      ms(s.spanMs, 0),
      min(s.gaps) >= minIntervalMs ? 'yes' : 'no',
      s.correct ? 'yes' : 'NO',
    ]),
    [
      'grant: the limiter lets a request go; dispatch: the client hands it to undici; arrival: fake.requests[].startedAt.',
      'Grants are what the limiter controls; a request whose continuation waits behind other work on the event loop',
      'leaves later, so the next one can arrive a little less than minIntervalMs after it.',
    ],
  );
}

/** The webview scripts before they were split (the tree of issue 11 before the change, --production options). */
const WEBVIEW_BEFORE = { answer: 361_517, chat: 378_247 };

function printBundle(b: BundleSectionResult): void {
  const names = [...new Set(b.builds.flatMap((x) => x.files.map((f) => f.file)))];
  const rows: Cell[][] = names.map((n) => [n, ...b.builds.map((x) => bytes(x.files.find((f) => f.file === n)?.bytes))]);
  rows.push(['ask-coze-0.1.0.vsix', b.vsix ? bytes(b.vsix.bytes) : 'not packaged', '']);
  // The webview pages: what each fetches before it runs, and what waits for a code block (bench/bundle.ts).
  const entries = [...new Set(b.builds.flatMap((x) => (x.webviewLoads ?? []).map((l) => l.entry)))];
  for (const entry of entries) {
    const load = (x: BuildResult) => x.webviewLoads?.find((l) => l.entry === entry);
    rows.push([`${entry} at load (+ ${(load(b.builds[0]!)?.files.length ?? 1) - 1} chunks it imports)`, ...b.builds.map((x) => bytes(load(x)?.bytes))]);
  }
  rows.push([`webview/chunks/*.js, all (${b.builds[0]?.chunks?.count ?? 0} files)`, ...b.builds.map((x) => bytes(x.chunks?.bytes))]);
  rows.push(['first Markdown shown fetches (markdown-it, DOMPurify: the engine)', ...b.builds.map((x) => bytes(x.markdownEngine?.bytes))]);
  rows.push(['first TypeScript block fetches (core + 5 grammars)', ...b.builds.map((x) => bytes(x.firstTypeScriptBlock?.bytes))]);
  const notes = b.builds.filter((x) => x.error).map((x) => `${x.label}: ${x.error}`);
  notes.push(
    '"at load": the page\'s entry module and the chunks it imports statically. The Markdown engine is fetched when a page first has Markdown to show (the answer panel: right after it has drawn; the chat: when a question is typed or sent, or a conversation opened); highlight.js and each grammar when a code block needs them.',
    `Before (issue 11), one script per page with every common grammar bundled, minified: webview/answer.js ${bytes(WEBVIEW_BEFORE.answer)}, webview/chat.js ${bytes(WEBVIEW_BEFORE.chat)}. Goal: ≤ 150 KiB each at load.`,
  );
  printTable('4. Bundle sizes', ['file', ...b.builds.map((x) => x.label)], rows, notes);

  const loadRows: Cell[][] = [];
  const loadNotes: string[] = [];
  for (const x of b.builds) {
    for (const l of x.loads) {
      const isExt = l.file === 'extension.js';
      if (l.error) {
        loadRows.push([l.file, x.label, '-', '-', '-', '-']);
        loadNotes.push(`${l.file} (${x.label}): ${l.error}`);
        continue;
      }
      loadRows.push([
        l.file,
        x.label,
        ms(median(l.requireMs)),
        ms(min(l.requireMs)),
        isExt ? (l.activateMs.length ? ms(median(l.activateMs)) : 'failed') : 'n/a',
        isExt ? (l.cozeLoaded || l.undiciLoaded ? 'YES' : 'no') : 'n/a',
      ]);
      if (l.activateError) loadNotes.push(`${l.file} (${x.label}): activate() with the stub threw: ${l.activateError}`);
    }
  }
  loadNotes.push(
    `Fresh Node process per figure (median of ${LOAD_PROCESSES}, after 1 unmeasured). 'vscode' is a stub, so activate() shows only the extension's own work.`,
  );
  printTable('4. Load time', ['bundle', 'build', 'require med', 'min', 'activate med', 'coze/undici loaded at activation'], loadRows, loadNotes);
}

function printChatRender(r: ChatRenderResult): void {
  const title = `6. Chat view: a ${bytes(r.answerBytes)} Markdown answer streamed in ${r.pieces.toLocaleString('en')} pieces (built chat bundle, headless Chromium)`;
  if (r.skipped) {
    printTable(title, ['figure', 'value'], [['skipped', r.skipped]]);
    return;
  }
  const row = (label: string, w: { meanMs: number; medianMs: number; p95Ms: number; maxMs: number } | undefined): Cell[] =>
    w ? [label, ms(w.meanMs, 2), ms(w.medianMs, 2), ms(w.p95Ms, 2), ms(w.maxMs, 1)] : [label, '-', '-', '-', '-'];
  printTable(
    title,
    ['per piece', 'mean', 'median', 'p95', 'max'],
    [
      row('chat, first 500 pieces', r.start),
      row('chat, last 500 pieces', r.end),
      row('full re-render, first 50', r.naiveStart),
      row('full re-render, last 50', r.naiveEnd),
    ],
    [
      `Per piece: the 'progress' message handler (incremental parse, sanitize, DOM update) and the layout it forces. Whole answer: ${ms(r.totalMs, 0)}.`,
      '"full re-render" renders the whole answer so far for each piece (for contrast; first and last 50 pieces only).',
      `The final DOM equals a one-shot rendering of the answer: ${r.correct ? 'yes' : 'NO'}.`,
    ],
  );
}

function printSoak(r: SoakResult): void {
  printTable(
    `7. Soak: through one real client each, against the in-process fake (every 4th question polls, the others stream)`,
    ['phase', 'questions', 'correct', 'requests', 'minIntervalMs', 'min grant gap', 'duration', 'per question'],
    r.phases.map((p) => [p.label, p.questions, p.correct, p.requests, p.minIntervalMs, ms(p.minGrantGapMs, 3), ms(p.durationMs, 0), ms(p.durationMs / Math.max(1, p.questions), 2)]),
    [
      `after close(): ${r.openConnectionsAfterClose} sockets open at the fake; timers ${r.timersBefore} before, ${r.timersAfter} after; ` +
        `${r.abortListenersAfter} 'abort' listeners on the caller's signal; ${r.warnings.length} process warnings.`,
      `heap used ${r.gcForced ? 'after a full GC' : '(no --expose-gc: garbage included)'}: ${mb(r.heapBeforeBytes)} before, ${mb(r.heapAfterBytes)} after ` +
        `(${((r.heapAfterBytes - r.heapBeforeBytes) / 1024 / 1024).toFixed(2)} MiB; the same ~1 MiB after 200 or 3,000 questions: code and caches, not per question).`,
      'min grant gap: between two consecutive grants of the rate limiter, on its own clock (arrival times at the fake jitter).',
    ],
  );
}

function printHistorySaves(r: HistorySaveResult): void {
  printTable(
    '8. History saves: one ChatStore.save (lock, check/merge, temp file, fsync, rename), on the repository\'s disk',
    ['conversation', 'file', 'same window med', 'p95', 'CPU med', 'after another window med', 'p95', 'CPU med'],
    r.costs.map((c) => [
      c.label,
      bytes(c.bytes),
      ms(c.sameWindow.medianMs, 2),
      ms(c.sameWindow.p95Ms, 2),
      ms(c.sameWindow.cpuMedianMs, 2),
      ms(c.afterOther.medianMs, 2),
      ms(c.afterOther.p95Ms, 2),
      ms(c.afterOther.cpuMedianMs, 2),
    ]),
    [
      '"same window": the file is as this store last wrote it (a stat, no read); "after another window": two stores take turns, so each',
      `save reads, parses and merges the other's version first. ${r.costs[0]?.saves ?? '-'} / ${r.costs[1]?.saves ?? '-'} saves each. Wall time is mostly`,
      "fsync, waited for on libuv's thread pool (the extension host goes on); CPU is the process's user + system time.",
    ],
  );
  const stream = r.policies[0];
  printTable(
    `8. History saves per answer: ${stream ? Math.round(stream.streamMs / 100) / 10 : '-'} s answer, a delta every ${r.deltaIntervalMs} ms, through the real ChatSaver (typical conversation)`,
    ['policy', 'writes', 'first write with text holds', 'most deltas between writes', 'behind at most'],
    r.policies.map((p) => [
      p.label,
      p.writes,
      `${p.firstTextDeltas} delta${p.firstTextDeltas === 1 ? '' : 's'}`,
      p.mostDeltasBehind,
      ms(p.mostDeltasBehind * r.deltaIntervalMs, 0),
    ]),
    r.costs.map(
      (c) =>
        `${c.label}: at ${r.chosenIntervalMs} ms, saving costs ${((c.sameWindow.cpuMedianMs / r.chosenIntervalMs) * 100).toFixed(1)}% of one core while an answer streams ` +
        `(${((c.afterOther.cpuMedianMs / r.chosenIntervalMs) * 100).toFixed(1)}% while another window writes it too), and ${bytes((c.bytes * 1000) / r.chosenIntervalMs)}/s of disk writes. SAVE_INTERVAL_MS = ${r.chosenIntervalMs}.`,
    ),
  );
}

function respawnWithGc(): boolean {
  if ((global as { gc?: unknown }).gc || process.env.ASK_COZE_BENCH_CHILD) return false;
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ASK_COZE_BENCH_CHILD: '1' },
  });
  process.exitCode = r.status ?? 1;
  return true;
}

if (!respawnWithGc()) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error('bench failed:', e);
      process.exitCode = 1;
    },
  );
}
