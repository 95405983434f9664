// Workflows: POST /v1/workflow/stream_run and /v1/workflow/stream_resume, read as Server-Sent Events through the
// same transport as chat (limiter, retries, timeouts, proxy, cancel). The wire, and why the rules below are what
// they are, is in docs/coze-api.md#workflows:
// - an error before the run comes back as an ordinary JSON body although a stream was asked (bad workflow id,
//   unpublished 4200, wrong event_id on resume): the content type is checked before any SSE parsing;
// - event names are `Message`, `Error`, `Interrupt`, `Done` (older Coze Studio: lower case): compared without case;
//   any other event (a keep-alive) is skipped;
// - a run ends with `Done`, `Interrupt` (the run waits for the user; the stream ends there) or `Error`; an EOF
//   before any of them is a failure, not a success: no event says which node is the last one;
// - the execute id is not a field of its own: it is the `execute_id` in a `debug_url`, or the first half of an
//   Interrupt's event_id (`<execute_id>/<event>`);
// - once an event has arrived the request is never retried: a retry would run the workflow a second time.

import { isCozeId } from '../ids';
import { apiError, httpError, isRecord, type ReplyMeta } from './decode';
import { CozeError, shortMsg } from './errors';
import { SseParser, type SseEvent } from './sse';
import { AskScope } from './timing';
import { isEventStream } from './streamFlow';
import { doNotRetry, type ApiRequest, type ApiResponse, type Transport } from './transport';
import type { WorkflowInterrupt, WorkflowMessage, WorkflowRunOptions, WorkflowRunResult } from './types';

export interface WorkflowResume {
  eventId: string;
  resumeData: string;
  interruptType: number;
}

/** The request of runWorkflow; throws a CozeError of kind 'invalid-input' before anything is sent. */
export function streamRunRequest(workflowId: string, opts: WorkflowRunOptions): ApiRequest {
  const id = checkWorkflowId(workflowId);
  const parameters = opts.parameters ?? {};
  // Coze reads `parameters` as the start node's variables: an array or a string would be a 4000 after a billed call.
  if (!isRecord(parameters)) throw invalid('parameters', 'The workflow parameters must be a JSON object, e.g. {"input": "hello"}.');
  const body: Record<string, unknown> = { workflow_id: id, parameters };
  const botId = optionalId(opts.botId, 'botId', 'bot');
  const appId = optionalId(opts.appId, undefined, 'app');
  // Coze refuses both at once (4000): say so before the call.
  if (botId && appId) throw invalid('botId', 'Give a workflow either a bot id or an app id, not both.');
  if (botId) body.bot_id = botId;
  if (appId) body.app_id = appId;
  return { method: 'POST', path: '/v1/workflow/stream_run', body, accept: STREAM_ACCEPT };
}

/** The request of resumeWorkflow; throws a CozeError of kind 'invalid-input' before anything is sent. */
export function streamResumeRequest(workflowId: string, resume: WorkflowResume): ApiRequest {
  const id = checkWorkflowId(workflowId);
  const eventId = typeof resume?.eventId === 'string' ? resume.eventId.trim() : '';
  if (!eventId) throw invalid('eventId', 'The workflow interrupt has no event id: run the workflow again.');
  if (typeof resume.resumeData !== 'string') throw invalid('eventId', 'The answer to the workflow must be text.');
  if (typeof resume.interruptType !== 'number' || !Number.isInteger(resume.interruptType)) {
    throw invalid('eventId', 'The workflow interrupt has no type: run the workflow again.');
  }
  return {
    method: 'POST',
    path: '/v1/workflow/stream_resume',
    body: { workflow_id: id, event_id: eventId, resume_data: resume.resumeData, interrupt_type: resume.interruptType },
    accept: STREAM_ACCEPT,
  };
}

/** Sends the request and reads its stream to the end of the run (or the interrupt). */
export function streamWorkflow(
  transport: Transport,
  req: ApiRequest,
  signal: AbortSignal,
  onMessage: ((m: WorkflowMessage) => void) | undefined,
): Promise<WorkflowRunResult> {
  return transport.call(req, signal, (res) => readWorkflowStream(transport, res, onMessage));
}

/** An error before the run still comes as JSON (docs/coze-api.md#workflows): accept both. */
const STREAM_ACCEPT = 'text/event-stream, application/json';

async function readWorkflowStream(
  transport: Transport,
  res: ApiResponse,
  onMessage: ((m: WorkflowMessage) => void) | undefined,
): Promise<WorkflowRunResult> {
  if (!isEventStream(res)) {
    // The JSON error of a stream request (auth, unpublished, wrong event_id…): an api error, retried by code.
    await transport.readCozeJson(res);
    throw new CozeError('protocol', 'Coze answered a workflow stream request with JSON instead of a stream.', { logId: res.logId });
  }
  if (res.status !== 200) throw httpError(res, 'unexpected');

  const decoder = new WorkflowStreamDecoder({ meta: res, redact: (s) => transport.redact(s), onMessage });
  let gotBytes = false;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      gotBytes = true;
      res.touch();
      decoder.push(chunk);
      // After Done or Interrupt nothing more is needed: leaving the loop closes the body, so a server that keeps
      // the connection open does not hold the result until the idle timeout.
      if (decoder.result) break;
    }
    if (!decoder.result) decoder.end();
  } catch (e) {
    if (res.signal.aborted) throw e; // the transport turns it into the timeout/canceled reason
    const err = e instanceof CozeError ? e : transport.classify(e, { beforeData: !gotBytes, idempotent: false });
    if (!err.partialText) err.partialText = decoder.text();
    // Events arrived: a retry would run the workflow again (its nodes' side effects included).
    if (gotBytes) doNotRetry(err);
    throw err;
  }
  if (decoder.result) return decoder.result;
  if (!gotBytes) throw new CozeError('protocol', 'Coze sent an empty stream.', { logId: res.logId });
  throw doNotRetry(
    new CozeError('protocol', 'The workflow’s stream ended before the workflow finished (no Done event).', {
      logId: res.logId,
      partialText: decoder.text(),
    }),
  );
}

export interface WorkflowDecoderDeps {
  meta: ReplyMeta;
  /** Removes secrets from text that came from the server. */
  redact: (s: string) => string;
  onMessage?: ((m: WorkflowMessage) => void) | undefined;
}

/**
 * Turns the bytes of a workflow's stream into messages and its ending. No I/O and no timers. push()/end() throw
 * a CozeError for an `Error` event or an unreadable one; `result` is set by `Done` or `Interrupt` (events after
 * it are ignored).
 */
export class WorkflowStreamDecoder {
  private readonly parser = new SseParser();
  readonly messages: WorkflowMessage[] = [];
  result: WorkflowRunResult | undefined;
  private executeId: string | undefined;
  private debugUrl: string | undefined;

  constructor(private readonly deps: WorkflowDecoderDeps) {}

  push(chunk: Uint8Array | string): void {
    for (const ev of this.parser.push(chunk)) {
      if (this.result) return;
      this.handle(ev);
    }
  }

  end(): void {
    for (const ev of this.parser.end()) {
      if (this.result) return;
      this.handle(ev);
    }
  }

  /** The text of every message so far, for CozeError.partialText. */
  text(): string {
    return this.messages.map((m) => m.content).join('');
  }

  private handle(ev: SseEvent): void {
    switch (ev.event.toLowerCase()) {
      case 'message': {
        const d = parseData(ev);
        this.noteDebugUrl(d);
        const m = toMessage(d);
        this.messages.push(m);
        try {
          this.deps.onMessage?.(m);
        } catch {
          // A throwing callback must not break the run.
        }
        return;
      }
      case 'interrupt': {
        const d = parseData(ev);
        this.noteDebugUrl(d);
        const interrupt = this.toInterrupt(d);
        this.result = { status: 'interrupted', messages: this.messages, interrupt, ...this.ids() };
        return;
      }
      case 'error':
        throw this.toError(ev);
      case 'done':
        // Its data is `{}`, `{"debug_url":…}` or nothing at all.
        this.noteDebugUrl(tryParse(ev.data));
        this.result = { status: 'done', messages: this.messages, ...this.ids() };
        return;
      default:
        // PING and future events: not part of the run's output.
        return;
    }
  }

  private ids(): { executeId?: string; debugUrl?: string } {
    const out: { executeId?: string; debugUrl?: string } = {};
    if (this.executeId) out.executeId = this.executeId;
    if (this.debugUrl) out.debugUrl = this.debugUrl;
    return out;
  }

  private noteDebugUrl(d: unknown): void {
    if (!isRecord(d) || typeof d.debug_url !== 'string') return;
    const url = safeHttpsUrl(d.debug_url);
    if (!url) return;
    this.debugUrl = url.href;
    const exec = url.searchParams.get('execute_id');
    if (exec && isCozeId(exec)) this.executeId = exec;
  }

  private toInterrupt(d: Record<string, unknown>): WorkflowInterrupt {
    const data = d.interrupt_data;
    const eventId = isRecord(data) ? idText(data.event_id) : undefined;
    const type = isRecord(data) ? intValue(data.type) : undefined;
    if (!isRecord(data) || !eventId || type === undefined) {
      throw new CozeError('protocol', 'Coze sent a workflow interrupt without its event id or type.', { logId: this.deps.meta.logId });
    }
    const out: WorkflowInterrupt = { eventId, type };
    const nodeTitle = nonEmpty(d.node_title);
    if (nodeTitle) out.nodeTitle = nodeTitle;
    // The cloud leaves interrupt_data.data empty and sends the question as the node's last Message before it;
    // Coze Studio puts the Question node's conversation there as JSON (docs/coze-api.md, "Interrupt").
    const prompt = interruptQuestion(data.data) ?? this.lastMessageOf(nodeTitle);
    if (prompt) out.prompt = prompt;
    const exec = eventId.split('/')[0]!;
    if (!this.executeId && eventId.includes('/') && isCozeId(exec)) this.executeId = exec;
    return out;
  }

  private lastMessageOf(nodeTitle: string | undefined): string | undefined {
    const last = this.messages.at(-1);
    if (!last || !last.content) return undefined;
    return nodeTitle === undefined || last.nodeTitle === nodeTitle ? last.content : undefined;
  }

  private toError(ev: SseEvent): CozeError {
    const { meta, redact } = this.deps;
    const d = tryParse(ev.data);
    let err: CozeError;
    if (isRecord(d)) {
      this.noteDebugUrl(d);
      // Workflows say error_code/error_message; accept chat's code/msg too.
      const code = intValue(d.error_code) ?? intValue(d.code);
      const msg = d.error_message ?? d.msg;
      if (code !== undefined && code !== 0) err = apiError(code, msg, meta.logId, meta.status, redact);
      else err = new CozeError('api', redact(`Coze reported an error in the workflow${sentence(msg)}.`), { logId: meta.logId });
    } else {
      // Coze Studio writes an internal failure as `event:error` with plain text.
      err = new CozeError('api', redact(`Coze reported an error in the workflow${sentence(ev.data)}.`), { logId: meta.logId });
    }
    err.partialText = this.text();
    return err;
  }
}

/**
 * The question an Interrupt's `interrupt_data.data` asks. Coze Studio's Question node writes its conversation there
 * as JSON, `{"messages":[{type: "question"|"answer", content_type: "text"|"option", content}]}`: the question is the
 * last "question" message, its content a string or, for a choice, `{question, options: [{name}]}` (shown as
 * "question (A / B)"). Any other non-empty text is the question itself.
 */
export function interruptQuestion(data: unknown): string | undefined {
  const text = nonEmpty(data);
  if (!text) return undefined;
  const parsed = text.trimStart().startsWith('{') ? tryParse(text) : undefined;
  if (!isRecord(parsed) || !Array.isArray(parsed.messages)) return text;
  const question = parsed.messages.filter((m): m is Record<string, unknown> => isRecord(m) && m.type === 'question').at(-1);
  const content = question?.content;
  if (typeof content === 'string') return nonEmpty(content);
  if (!isRecord(content) || typeof content.question !== 'string') return undefined;
  const options = Array.isArray(content.options)
    ? content.options.map((o) => (isRecord(o) && typeof o.name === 'string' ? o.name : undefined)).filter((n): n is string => !!n)
    : [];
  return options.length ? `${content.question} (${options.join(' / ')})` : nonEmpty(content.question);
}

function toMessage(d: Record<string, unknown>): WorkflowMessage {
  const m: WorkflowMessage = { content: typeof d.content === 'string' ? d.content : '' };
  const title = nonEmpty(d.node_title);
  if (title) m.nodeTitle = title;
  const seq = idText(d.node_seq_id);
  if (seq !== undefined) m.nodeSeqId = seq;
  if (typeof d.node_is_finish === 'boolean') m.nodeIsFinish = d.node_is_finish;
  return m;
}

function parseData(ev: SseEvent): Record<string, unknown> {
  const v = tryParse(ev.data);
  if (!isRecord(v)) throw new CozeError('protocol', `Coze sent an unreadable workflow event (${printable(ev.event)}).`);
  return v;
}

function tryParse(text: string): unknown {
  try {
    return text.trim() ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Coze's ids and sequence numbers are strings of digits; some servers send numbers. */
function idText(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

function intValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The debug page is shown to the user as a link: only https (or http on a self-hosted Studio) URLs. */
function safeHttpsUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function sentence(msg: unknown): string {
  const s = shortMsg(msg);
  return s ? `: ${s}` : '';
}

/** An event name is server text: keep it short and printable in a message. */
function printable(name: string): string {
  const s = name.replace(/[^\w.-]/g, '').slice(0, 60);
  return s || 'unnamed';
}

function checkWorkflowId(workflowId: unknown): string {
  const id = typeof workflowId === 'string' ? workflowId.trim() : '';
  // Coze's workflow ids are numbers (sent as strings), like bot ids: anything else would cost a call to learn 4000.
  if (!isCozeId(id)) {
    throw invalid('workflowId', 'The Coze workflow id must contain only digits (e.g. 7445600453913968691, the number after workflow_id= in the workflow’s page address).');
  }
  return id;
}

function optionalId(v: string | undefined, option: 'botId' | undefined, what: string): string | undefined {
  if (v === undefined) return undefined;
  const id = typeof v === 'string' ? v.trim() : '';
  if (id === '') return undefined;
  if (!isCozeId(id)) throw invalid(option, `The Coze ${what} id must contain only digits.`);
  return id;
}

function invalid(option: 'workflowId' | 'parameters' | 'eventId' | 'botId' | undefined, message: string): CozeError {
  return new CozeError('invalid-input', message, { ...(option ? { invalidOption: option } : {}), retryable: false });
}

export interface WorkflowClientDeps {
  transport: Transport;
  maxWaitMs: number;
  /** Aborts when the client closes. */
  closeSignal: AbortSignal;
  /** close() has begun: nothing new starts. */
  closed: boolean;
  /** The client's own mapping of a failure (the deadline/stop reason wins). */
  toError: (e: unknown, scope: AskScope) => CozeError;
}

/**
 * One workflow stream inside its own deadline (maxWaitMs, the caller's signal, the client's close), like a
 * question: `build` checks the input first, so an invalid one rejects before anything is sent.
 */
export async function runWorkflowStream(
  deps: WorkflowClientDeps,
  build: () => ApiRequest,
  opts: { signal?: AbortSignal | undefined; onMessage?: ((m: WorkflowMessage) => void) | undefined },
): Promise<WorkflowRunResult> {
  if (deps.closed) throw new CozeError('canceled', 'The Coze client was closed.');
  const req = build();
  const scope = new AskScope(deps.maxWaitMs, opts.signal, deps.closeSignal);
  try {
    return await streamWorkflow(deps.transport, req, scope.signal, opts.onMessage);
  } catch (e) {
    throw deps.transport.scrub(deps.toError(e, scope));
  } finally {
    scope.dispose();
  }
}
