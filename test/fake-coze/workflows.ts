// The fake's workflows: POST /v1/workflow/stream_run, /v1/workflow/stream_resume and /v1/workflow/run, from the
// shapes in docs/coze-api.md#workflows. Scripted: any workflow id streams a default run; INTERRUPT_WORKFLOW_ID
// stops at a Question node until resumed; ERROR_WORKFLOW_ID fails with an `Error` event; behavior `workflow`
// (workflowBehavior.ts) changes each of these for every id.

import type http from 'node:http';
import type { Socket } from 'node:net';
import type { FakeBehavior } from './behavior';
import type { Fault } from './faults';
import { SseWriter, responseWrite, writePlan } from './sse';
import type { RecordedRequest } from './types';
import type { IdFactory, Timers } from './util';
import { isRecord, splitCodePoints } from './util';
import {
  DEFAULT_QUESTION,
  DEFAULT_WORKFLOW_ERROR,
  ERROR_WORKFLOW_ID,
  INTERRUPT_WORKFLOW_ID,
  UNPUBLISHED_WORKFLOW_ID,
  type WorkflowBehavior,
} from './workflowBehavior';

/** What the server lends the workflow handlers (its responses, logids, timers and fault queue). */
export interface WorkflowHost {
  readonly behavior: FakeBehavior;
  readonly timers: Timers;
  /** A JSON answer with the dialect's logid (server.ts sendJson). */
  sendJson(status: number, payload: Record<string, unknown>): void;
  logidHeader(): { name: string; value: string };
  /** The stream-phase fault for this request, if one is queued. */
  takeStreamFault(): Fault | undefined;
}

/** The Question node's key in Studio's message ids ("<node key>_<n>"). */
const QUESTION_NODE_KEY = '136728';
/** The Question node's interrupt_data.type (coze-py's recorded Interrupt event). */
const QUESTION_INTERRUPT_TYPE = 2;
const SPACE_ID = '7300000000000000999';

interface PendingInterrupt {
  workflowId: string;
  parameters: Record<string, unknown>;
  executeId: string;
  type: number;
}

interface WfEvent {
  event: 'Message' | 'Error' | 'Interrupt' | 'Done';
  data: Record<string, unknown>;
}

export class FakeWorkflows {
  /** Interrupts waiting for stream_resume, by event_id. Answered ones are removed (a second resume is refused). */
  private readonly pending = new Map<string, PendingInterrupt>();

  constructor(private readonly ids: IdFactory) {}

  clear(): void {
    this.pending.clear();
  }

  handle(res: http.ServerResponse, rec: RecordedRequest, body: unknown, host: WorkflowHost): void {
    const fail = (code: number, msg: string): void => host.sendJson(200, { code, msg });
    if (!isRecord(body)) return fail(4000, 'Request parameter error: the body is not a valid json object');
    const b = body;
    const wb: WorkflowBehavior = host.behavior.workflow ?? {};
    const workflowId = b.workflow_id;
    if (typeof workflowId !== 'string' || !/^\d+$/.test(workflowId)) return fail(4000, 'Request parameter error: workflow_id must be a string of digits');

    if (rec.endpoint === 'workflowResume') return this.resume(res, rec, b, workflowId, host);

    if (workflowId === UNPUBLISHED_WORKFLOW_ID || (wb.unpublishedIds ?? []).includes(workflowId)) {
      return fail(4200, `The workflow ${workflowId} has not been published. Publish it and try again.`);
    }
    // The cloud takes an object; Coze Studio's IDL says a JSON string: accept both, as Studio's handler does.
    let parameters: unknown = b.parameters ?? {};
    if (typeof parameters === 'string') {
      try {
        parameters = JSON.parse(parameters) as unknown;
      } catch {
        parameters = undefined;
      }
    }
    if (!isRecord(parameters)) return fail(4000, 'Request parameter error: parameters must be a JSON object');
    if (b.bot_id !== undefined && b.app_id !== undefined) return fail(4000, 'Request parameter error: bot_id and app_id cannot both be set');
    const executeId = this.ids.id();
    const interrupts = wb.interrupt === true || workflowId === INTERRUPT_WORKFLOW_ID;
    const error = wb.error ?? (workflowId === ERROR_WORKFLOW_ID ? DEFAULT_WORKFLOW_ERROR : undefined);

    if (rec.endpoint === 'workflowRun') {
      // Not streamed: Coze refuses a workflow that would wait for the user (Studio: ErrInterruptNotSupported).
      if (interrupts) return fail(4000, 'Request parameter error: this workflow has a Question node; run it with stream_run');
      if (error) return fail(error.code, error.msg);
      const output = runOutput(wb, parameters).map((m) => m.content).join('');
      return host.sendJson(200, {
        code: 0,
        msg: '',
        data: JSON.stringify({ output }),
        execute_id: executeId,
        debug_url: debugUrl(executeId, workflowId),
        token: 0,
        cost: '0',
      });
    }

    let events: WfEvent[];
    if (interrupts) {
      const eventId = `${executeId}/${this.ids.id()}`;
      this.pending.set(eventId, { workflowId, parameters, executeId, type: QUESTION_INTERRUPT_TYPE });
      const question = wb.question ?? DEFAULT_QUESTION;
      events =
        host.behavior.dialect === 'studio'
          ? // Coze Studio: the Question node's conversation as JSON in `data`, no node_title, a debug_url, and no
            // Message with the question before it (docs/coze-api.md, "Interrupt").
            [
              {
                event: 'Interrupt',
                data: {
                  interrupt_data: {
                    event_id: eventId,
                    type: QUESTION_INTERRUPT_TYPE,
                    data: JSON.stringify({ messages: [{ type: 'question', content_type: 'text', content: question, id: `${QUESTION_NODE_KEY}_0` }] }),
                  },
                  debug_url: debugUrl(executeId, workflowId),
                },
              },
            ]
          : [
              message('Question', question, 0, true),
              {
                event: 'Interrupt',
                data: { interrupt_data: { event_id: eventId, type: QUESTION_INTERRUPT_TYPE, data: '' }, node_title: 'Question' },
              },
            ];
    } else {
      events = messages(runOutput(wb, parameters));
      if (error) {
        events = events.slice(0, 1);
        events.push({ event: 'Error', data: { error_code: error.code, error_message: error.msg } });
      } else if (!wb.omitDone) {
        events.push({ event: 'Done', data: { debug_url: debugUrl(executeId, workflowId) } });
      }
    }
    this.stream(res, rec, events, host);
  }

  private resume(res: http.ServerResponse, rec: RecordedRequest, b: Record<string, unknown>, workflowId: string, host: WorkflowHost): void {
    const fail = (code: number, msg: string): void => host.sendJson(200, { code, msg });
    const eventId = b.event_id;
    if (typeof eventId !== 'string' || eventId === '') return fail(4000, 'Request parameter error: event_id is required');
    if (typeof b.resume_data !== 'string') return fail(4000, 'Request parameter error: resume_data must be a string');
    if (typeof b.interrupt_type !== 'number') return fail(4000, 'Request parameter error: interrupt_type must be a number');
    const p = this.pending.get(eventId);
    // Unknown, already answered, or of another workflow: refused before any stream (docs/coze-api.md#workflows).
    if (!p || p.workflowId !== workflowId || p.type !== b.interrupt_type) {
      return fail(4000, `Request parameter error: invalid event_id ${eventId}: no interrupt of workflow ${workflowId} waits for it`);
    }
    this.pending.delete(eventId);
    const wb: WorkflowBehavior = host.behavior.workflow ?? {};
    const answer = b.resume_data;
    // After a resume Coze numbers the events (and node_seq_id) from 0 again.
    const events = messages([
      ...splitCodePoints(`You answered: ${answer}`, Math.max(1, Math.ceil(Array.from(`You answered: ${answer}`).length / 2))).map((content) => ({
        nodeTitle: 'LLM',
        content,
      })),
      { nodeTitle: 'End', content: JSON.stringify({ output: `${answer} | ${JSON.stringify(p.parameters)}` }) },
    ]);
    if (wb.error) {
      events.splice(1);
      events.push({ event: 'Error', data: { error_code: wb.error.code, error_message: wb.error.msg } });
    } else if (!wb.omitDone) {
      events.push({ event: 'Done', data: { debug_url: debugUrl(p.executeId, workflowId) } });
    }
    this.stream(res, rec, events, host);
  }

  /** Writes the events as SSE (`id:`, `event:`, `data:` lines), applying a stream-phase fault. */
  private stream(res: http.ServerResponse, rec: RecordedRequest, events: WfEvent[], host: WorkflowHost): void {
    const b = host.behavior;
    const log = host.logidHeader();
    rec.status = 200;
    rec.logid = log.value;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', [log.name]: log.value });
    res.flushHeaders();
    const fault = host.takeStreamFault();
    if (fault) rec.fault = fault.kind;
    let gone = false;
    res.on('close', () => {
      gone = true;
      // The client left (it stopped the run) before the end; a reset fault's own cut is not the client's.
      if (!res.writableFinished && rec.fault !== 'reset-mid-stream') rec.clientDisconnected = true;
    });
    const raw = responseWrite(res, () => gone);
    const plan = writePlan(fault, b.chunking, b.seed);
    const writer = new SseWriter(raw, plan, host.timers);
    // The cloud writes `id: 0` with a space (the SDKs' recorded streams); Studio's SSE library writes none.
    const sep = b.dialect === 'studio' ? ':' : ': ';
    const nl = b.dialect !== 'studio' && b.sse.crlf ? '\r\n' : '\n';
    const format = (id: number, e: WfEvent): string => `id${sep}${id}${nl}event${sep}${e.event}${nl}data${sep}${JSON.stringify(e.data)}${nl}${nl}`;
    const interval = b.workflow?.eventIntervalMs ?? 0;
    const midFault = fault && 'afterEvents' in fault ? fault : undefined;

    void (async () => {
      try {
        let sent = 0;
        for (const e of events) {
          if (midFault && midFault.afterEvents === sent) return await applyFault(sent);
          if (interval > 0) await host.timers.sleep(interval);
          if (gone) return;
          await writer.send(format(sent, e));
          sent++;
        }
        if (midFault && midFault.afterEvents === sent) return await applyFault(sent);
        await writer.flush();
        res.end();
      } catch {
        // A write failed: the client left.
      }
    })();

    async function applyFault(sent: number): Promise<void> {
      await writer.flush();
      switch (midFault!.kind) {
        case 'reset-mid-stream':
          return resetSocket(res.socket);
        case 'stall-mid-stream':
          return; // the socket stays open, silent
        case 'error-event':
          await writer.send(format(sent, { event: 'Error', data: { error_code: midFault!.code, error_message: midFault!.msg } }));
          await writer.flush();
          res.end();
          return;
      }
    }
  }
}

/** The default output: node LLM echoes the parameters in two Message events, then node End. */
function runOutput(wb: WorkflowBehavior, parameters: Record<string, unknown>): Array<{ nodeTitle: string; content: string }> {
  if (wb.messages) return wb.messages;
  const echo = `Parameters: ${JSON.stringify(parameters)}`;
  const half = Math.max(1, Math.ceil(Array.from(echo).length / 2));
  return [...splitCodePoints(echo, half).map((content) => ({ nodeTitle: 'LLM', content })), { nodeTitle: 'End', content: JSON.stringify({ output: echo }) }];
}

/** Message events with each node's node_seq_id counted from 0, node_is_finish on the node's last one. */
function messages(list: Array<{ nodeTitle: string; content: string }>): WfEvent[] {
  const seq = new Map<string, number>();
  return list.map((m, i) => {
    const n = seq.get(m.nodeTitle) ?? 0;
    seq.set(m.nodeTitle, n + 1);
    const last = list.slice(i + 1).every((x) => x.nodeTitle !== m.nodeTitle);
    return message(m.nodeTitle, m.content, n, last);
  });
}

function message(nodeTitle: string, content: string, seq: number, finish: boolean): WfEvent {
  return {
    event: 'Message',
    data: { content, content_type: 'text', node_is_finish: finish, node_seq_id: String(seq), node_title: nodeTitle },
  };
}

function debugUrl(executeId: string, workflowId: string): string {
  return `https://www.coze.cn/work_flow?execute_id=${executeId}&space_id=${SPACE_ID}&workflow_id=${workflowId}&execute_mode=2`;
}

/** Which workflow endpoint a request is for, if any. */
export function workflowEndpoint(method: string, path: string): 'workflowRun' | 'workflowStream' | 'workflowResume' | undefined {
  if (method !== 'POST') return undefined;
  if (path === '/v1/workflow/run') return 'workflowRun';
  if (path === '/v1/workflow/stream_run') return 'workflowStream';
  if (path === '/v1/workflow/stream_resume') return 'workflowResume';
  return undefined;
}

/** A TCP RST when possible (the client sees ECONNRESET); TLS sockets can't do that and are just destroyed. */
function resetSocket(socket: Socket | null): void {
  if (!socket) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
