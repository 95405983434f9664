// One-shot (or n-shot) faults: what gateways, networks and Coze itself do to clients on a bad day.

import type { Endpoint } from './types';
import { isRecord } from './util';
import { isWorkflowStream } from './workflowBehavior';

export type FaultEndpoint = Exclude<Endpoint, 'other'> | 'any';

export interface FaultMatch {
  endpoint: FaultEndpoint;
  /** How many matching requests it applies to. Default 1. */
  times?: number;
  /** Only requests with that stream flag (POST /v3/chat "stream"; other endpoints count as false). */
  stream?: boolean;
}

export type FaultAction =
  /**
   * A gateway or Coze error. html/empty bodies carry no x-tt-logid (gateways don't add one); JSON bodies do.
   * 'text': a plain-text body with the logid header, as Studio's retrieve answers its errors (HTTP 500).
   */
  | { kind: 'http'; status: number; body: 'html' | 'empty' | 'truncated-json' | 'text' | { code: number; msg: string } }
  /** Destroy the socket before any header. */
  | { kind: 'reset' }
  /** Read the request, never answer (until close() or reset()). */
  | { kind: 'hang' }
  /** SSE: destroy the socket after N events. */
  | { kind: 'reset-mid-stream'; afterEvents: number }
  /** SSE: stop writing after N events, keep the socket open. */
  | { kind: 'stall-mid-stream'; afterEvents: number }
  /** SSE: after N events send `event:error` with {code,msg}, then end. The chat becomes failed. */
  | { kind: 'error-event'; afterEvents: number; code: number; msg: string }
  /**
   * stream:true was asked but an ordinary application/json error comes back
   * (docs/coze-api.md#json-error-instead-of-sse). Status default 200.
   */
  | { kind: 'json-error-for-stream'; code: number; msg: string; status?: number }
  /** SSE: the stream dribbles, bytesPerWrite bytes every intervalMs. */
  | { kind: 'slow-drip'; bytesPerWrite: number; intervalMs: number };

export type Fault = FaultMatch & FaultAction;
export type FaultKind = FaultAction['kind'];

/** Faults taken when a request arrives (before auth): they replace the whole answer. */
const REQUEST_PHASE: readonly FaultKind[] = ['http', 'reset', 'hang', 'json-error-for-stream'];
/** Faults that only make sense for an SSE answer: they only ever match stream:true chat requests. */
const STREAM_ONLY: readonly FaultKind[] = ['json-error-for-stream', 'reset-mid-stream', 'stall-mid-stream', 'error-event', 'slow-drip'];

export type FaultPhase = 'request' | 'stream';

interface Queued {
  fault: Fault;
  remaining: number;
}

export class FaultQueue {
  private queue: Queued[] = [];

  add(fault: Fault): void {
    this.queue.push({ fault: structuredClone(fault), remaining: Math.max(1, Math.floor(fault.times ?? 1)) });
  }

  /**
   * Takes (consumes one use of) the first queued fault matching this request in this phase. 'request' faults are
   * taken on arrival; 'stream' faults when a valid stream request starts its SSE answer (after auth and validation).
   */
  take(phase: FaultPhase, endpoint: Endpoint, stream: boolean): Fault | undefined {
    const index = this.queue.findIndex(({ fault }) => {
      const kindPhase: FaultPhase = REQUEST_PHASE.includes(fault.kind) ? 'request' : 'stream';
      if (kindPhase !== phase) return false;
      if (fault.endpoint !== 'any' && fault.endpoint !== endpoint) return false;
      if (fault.stream !== undefined && fault.stream !== stream) return false;
      return !STREAM_ONLY.includes(fault.kind) || (stream && (endpoint === 'chat' || endpoint === 'chatflow' || isWorkflowStream(endpoint)));
    });
    if (index < 0) return undefined;
    const entry = this.queue[index]!;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.queue = [];
  }

  get size(): number {
    return this.queue.length;
  }
}

const ENDPOINTS: readonly string[] = [
  'chat', 'retrieve', 'list', 'cancel', 'any', 'workflowRun', 'workflowStream', 'workflowResume',
  'workspaces', 'bots', 'bot', 'upload', 'chatflow',
];
const count = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks a fault (from tests or the control API). Returns an error message, or undefined when fine. */
export function validateFault(f: unknown): string | undefined {
  if (!isRecord(f)) return 'fault must be a JSON object';
  if (typeof f.endpoint !== 'string' || !ENDPOINTS.includes(f.endpoint)) return `fault.endpoint must be one of ${ENDPOINTS.join(', ')}`;
  if (f.times !== undefined && !(count(f.times) && (f.times as number) >= 1)) return 'fault.times must be a positive integer';
  if (f.stream !== undefined && typeof f.stream !== 'boolean') return 'fault.stream must be a boolean';
  switch (f.kind) {
    case 'http': {
      const okBody =
        f.body === 'html' || f.body === 'empty' || f.body === 'truncated-json' || f.body === 'text' || (isRecord(f.body) && typeof f.body.code === 'number' && typeof f.body.msg === 'string');
      if (!count(f.status) || (f.status as number) < 100 || (f.status as number) > 599) return 'http fault needs a status 100..599';
      return okBody ? undefined : "http fault body must be 'html', 'empty', 'truncated-json', 'text' or {code, msg}";
    }
    case 'reset':
    case 'hang':
      return undefined;
    case 'reset-mid-stream':
    case 'stall-mid-stream':
      return count(f.afterEvents) ? undefined : `${f.kind} needs afterEvents >= 0`;
    case 'error-event':
      return count(f.afterEvents) && typeof f.code === 'number' && typeof f.msg === 'string' ? undefined : 'error-event needs afterEvents, code, msg';
    case 'json-error-for-stream':
      if (f.status !== undefined && !count(f.status)) return 'json-error-for-stream status must be a number';
      return typeof f.code === 'number' && typeof f.msg === 'string' ? undefined : 'json-error-for-stream needs code, msg';
    case 'slow-drip':
      return count(f.bytesPerWrite) && (f.bytesPerWrite as number) >= 1 && count(f.intervalMs) ? undefined : 'slow-drip needs bytesPerWrite >= 1, intervalMs';
    default:
      return `unknown fault kind ${JSON.stringify(f.kind)}`;
  }
}
