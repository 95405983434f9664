// Section 1: a 1 MB answer streamed as 10,000 deltas, read three ways against the same fake server:
//   raw    a plain undici request() of POST /v3/chat (stream:true) that only drains the bytes: the floor;
//   ours   CozeClient.ask(q, { mode: 'stream', onProgress }): SSE parsing, JSON per event, answer building;
//   sdk    the official @coze/api chat.stream(), concatenating conversation.message.delta contents.
// Rounds interleave the variants (raw, ours, sdk, raw, ...) so that drift on the machine hits all of them.

import type * as CozeSdk from '@coze/api';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { Agent, request } from 'undici';
import { CozeClient } from '../src/coze';
import type { RemoteFake } from './remoteFake';

export const BOT_ID = '7445600453913968691';
export const USER_ID = 'bench-user';

/** 10,000 deltas of 80 code points = 100 UTF-8 bytes each (70 ASCII + 10 CJK): 1,000,000 bytes in all. */
export const DELTAS = 10_000;
export const DELTA_CODE_POINTS = 80;
export const ANSWER_BYTES = 1_000_000;

export type Variant = 'raw' | 'ours' | 'sdk';

export interface RunResult {
  /** ms from the start of the call to the first answer text (raw: to the first byte of the first delta event). */
  firstText: number;
  /** raw only: ms to the first byte of the body. */
  firstByte?: number;
  /** ms to the final answer (raw: the body fully drained). */
  total: number;
  /** raw: bytes on the wire; others: UTF-8 bytes of the answer text. */
  bytes: number;
  /** ours: onProgress calls; sdk: delta events. */
  events?: number;
  /** Answer text equals the fake's answer (raw: not checked, it does not parse). */
  correct?: boolean;
}

export interface VariantResult {
  variant: Variant;
  runs: RunResult[];
  /** Why the variant could not run, if it could not. */
  skipped?: string;
  /** Highest V8 heap used seen while this variant ran (10 ms sampling). */
  peakHeap: number;
}

export interface StreamSectionResult {
  /** How the fake cuts its output into socket writes. */
  chunking: 'event' | { bytes: number };
  variants: VariantResult[];
  wireBytes: number;
  answerCheck: { fakeServesExpected: boolean; failures: string[] };
}

/** The answer: Markdown-ish lines with Chinese in each, so multi-byte characters cross chunk boundaries. */
export function makeAnswer(): string {
  const filler =
    'Streaming keeps the free-plan quota: one call per answer, no polls. `SseParser` joins split lines; ';
  const cjk = '流式回答的每个片段都必须按顺序拼接成完整的文本内容';
  const parts: string[] = [];
  for (let i = 0; i < DELTAS; i++) {
    const head = `${String(i).padStart(5, '0')} `; // 6 ASCII
    const zh = cjk.slice(i % 15, (i % 15) + 10); // 10 CJK = 30 bytes
    const start = i % 30;
    const tail = filler.slice(start, start + 63); // 63 ASCII
    parts.push(head + zh + tail + '\n'); // 80 code points, 100 bytes
  }
  const answer = parts.join('');
  if (Buffer.byteLength(answer, 'utf8') !== ANSWER_BYTES || Array.from(answer).length !== DELTAS * DELTA_CODE_POINTS) {
    throw new Error('bench bug: the generated answer does not have the planned size');
  }
  return answer;
}

export async function runStreamSection(
  fake: RemoteFake,
  token: string,
  opts: { rounds: number; warmups: number; chunking: 'event' | { bytes: number }; log: (s: string) => void },
): Promise<StreamSectionResult> {
  const expected = makeAnswer();
  const behavior = {
    answers: [expected],
    followUps: [],
    deltaSize: DELTA_CODE_POINTS,
    deltaIntervalMs: 0,
    chunking: opts.chunking,
  };
  const question = 'Stream a 1 MB answer, please.';
  const body = JSON.stringify({
    bot_id: BOT_ID,
    user_id: USER_ID,
    stream: true,
    auto_save_history: true,
    additional_messages: [{ role: 'user', type: 'question', content: question, content_type: 'text' }],
  });

  const rawAgent = new Agent({ keepAliveTimeout: 30_000 });
  const ours = new CozeClient({ baseUrl: fake.url, token, botId: BOT_ID, userId: USER_ID, minIntervalMs: 0, maxRetries: 0 });
  let sdk: SdkStreamer | undefined;
  let sdkSkipped: string | undefined;
  try {
    sdk = await SdkStreamer.create(fake.url, token);
  } catch (e) {
    sdkSkipped = `could not load @coze/api: ${errText(e)}`;
  }

  const results: Record<Variant, VariantResult> = {
    raw: { variant: 'raw', runs: [], peakHeap: 0 },
    ours: { variant: 'ours', runs: [], peakHeap: 0 },
    sdk: { variant: 'sdk', runs: [], peakHeap: 0 },
  };
  const failures: string[] = [];
  let wireBytes = 0;
  let fakeServesExpected = false;
  let sampling: VariantResult | undefined;
  const sampler = setInterval(() => {
    if (sampling) sampling.peakHeap = Math.max(sampling.peakHeap, getHeapStatistics().used_heap_size);
  }, 10);

  try {
    for (let round = 0; round < opts.warmups + opts.rounds; round++) {
      const warm = round < opts.warmups;
      for (const v of ['raw', 'ours', 'sdk'] as Variant[]) {
        if (v === 'sdk' && (sdkSkipped || !sdk)) continue;
        await fake.resetWith(behavior);
        (global as { gc?: () => void }).gc?.();
        sampling = results[v];
        let r: RunResult;
        try {
          if (v === 'raw') r = await runRaw(fake.url, token, body, rawAgent);
          else if (v === 'ours') r = await runOurs(ours, question, expected);
          else r = await sdk!.run(question, expected);
        } catch (e) {
          sampling = undefined;
          if (v === 'sdk') {
            sdkSkipped = `chat.stream failed against the fake: ${errText(e)}`;
            continue;
          }
          throw e;
        }
        sampling = undefined;
        if (v === 'raw') wireBytes = r.bytes;
        if (round === 0 && v === 'ours') {
          // The fake's own record of what it answered: the reference the texts are compared with.
          const chats = await fake.chats();
          fakeServesExpected = chats.length === 1 && chats[0]!.answers.length === 1 && chats[0]!.answers[0] === expected;
          if (!fakeServesExpected) failures.push('the fake server did not serve the planned 1 MB answer');
        }
        if (r.correct === false) {
          const msg = `${v}: answer text differs from the fake's answer (round ${round})`;
          if (v === 'ours') failures.push(msg);
          else if (v === 'sdk') opts.log(`  note: ${msg}`);
        }
        if (!warm) results[v].runs.push(r);
      }
    }
  } finally {
    clearInterval(sampler);
    await ours.close();
    await rawAgent.close();
  }
  if (sdkSkipped) results.sdk.skipped = sdkSkipped;
  return {
    chunking: opts.chunking,
    variants: [results.raw, results.ours, results.sdk],
    wireBytes,
    answerCheck: { fakeServesExpected, failures },
  };
}

/** The floor: undici request() of the same POST, draining the body without parsing it. */
async function runRaw(url: string, token: string, body: string, dispatcher: Agent): Promise<RunResult> {
  const marker = Buffer.from('event:conversation.message.delta');
  const t0 = performance.now();
  const res = await request(`${url}/v3/chat`, {
    method: 'POST',
    dispatcher,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body,
  });
  let firstByte: number | undefined;
  let firstText: number | undefined;
  let bytes = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    const now = performance.now();
    firstByte ??= now - t0;
    bytes += chunk.length;
    if (firstText === undefined) {
      // Keep the end of the previous chunk so a marker split across two chunks is still found.
      const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      if (hay.includes(marker)) firstText = now - t0;
      else tail = Buffer.from(hay.subarray(Math.max(0, hay.length - marker.length)));
    }
  }
  const total = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`raw request: HTTP ${res.statusCode}`);
  return { firstByte: firstByte ?? total, firstText: firstText ?? total, total, bytes };
}

async function runOurs(client: CozeClient, question: string, expected: string): Promise<RunResult> {
  let firstText: number | undefined;
  let events = 0;
  const t0 = performance.now();
  const answer = await client.ask(question, {
    mode: 'stream',
    onProgress: (p) => {
      events++;
      if (firstText === undefined && p.text.length > 0) firstText = performance.now() - t0;
    },
  });
  const total = performance.now() - t0;
  return {
    firstText: firstText ?? total,
    total,
    bytes: Buffer.byteLength(answer.text, 'utf8'),
    events,
    correct: answer.text === expected && answer.answers.length === 1,
  };
}

/** The official SDK, loaded only here (it pulls axios, node-fetch, ws...). */
class SdkStreamer {
  private constructor(
    private readonly api: CozeSdk.CozeAPI,
    private readonly sdk: typeof CozeSdk,
  ) {}

  static async create(baseURL: string, token: string): Promise<SdkStreamer> {
    const sdk = await import('@coze/api');
    return new SdkStreamer(new sdk.CozeAPI({ token, baseURL }), sdk);
  }

  async run(question: string, expected: string): Promise<RunResult> {
    const { ChatEventType, RoleType } = this.sdk;
    let firstText: number | undefined;
    let text = '';
    let events = 0;
    let completed = false;
    const t0 = performance.now();
    const stream = await this.api.chat.stream({
      bot_id: BOT_ID,
      user_id: USER_ID,
      additional_messages: [{ role: RoleType.User, content: question, content_type: 'text' }],
    });
    for await (const ev of stream) {
      if (ev.event === ChatEventType.CONVERSATION_MESSAGE_DELTA) {
        const m = ev.data;
        if (m.type === 'answer' && typeof m.content === 'string' && m.content !== '') {
          firstText ??= performance.now() - t0;
          text += m.content;
          events++;
        }
      } else if (ev.event === ChatEventType.CONVERSATION_CHAT_COMPLETED) {
        completed = true;
      } else if (ev.event === ChatEventType.CONVERSATION_CHAT_FAILED || ev.event === ChatEventType.ERROR) {
        throw new Error(`stream event ${ev.event}: ${JSON.stringify(ev.data).slice(0, 200)}`);
      }
    }
    const total = performance.now() - t0;
    return {
      firstText: firstText ?? total,
      total,
      bytes: Buffer.byteLength(text, 'utf8'),
      events,
      correct: completed && text === expected,
    };
  }
}

export function errText(e: unknown): string {
  const s = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
