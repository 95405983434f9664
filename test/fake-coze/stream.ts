// The SSE answer of POST /v3/chat with stream:true: which events, in which order, and the mid-stream faults.

import type { ChatRecord, ChatStore } from './chats';
import type { Fault } from './faults';
import { doneDataLine, formatEvent, streamFormat, type SseWriter } from './sse';
import type { MessageJson } from './types';
import { splitCodePoints, type Timers } from './util';

/** One step of a stream: an event to write (or, without `event`, only a state change). */
interface Step {
  event?: string;
  /** Computed when written, so timestamps are those of the write. */
  data?: () => string;
  delayMs: number;
  /** State change once the event is on the wire (messages stored, status changed). */
  after?: () => void;
}

/**
 * The events of a chat, following docs/coze-api.md#stream-events: chat.created, chat.in_progress, extra messages
 * (completed only), answer deltas (reasoning_content first), message.completed per answer, the verbose
 * generate_answer_finish, follow-ups, then chat.completed|failed|requires_action, then done.
 *
 * Studio (docs/coze-api.md#coze-studio): the same up to chat.completed, then `conversation.stream.done` with empty
 * data; a failure is an `error` event {code,msg} and the end of the stream (no chat.failed, no done);
 * requires_action is never streamed (the stream just ends with stream.done).
 */
export function planStream(chat: ChatRecord, store: ChatStore): Step[] {
  const b = chat.behavior;
  const fmt = streamFormat(b);
  const studio = b.dialect === 'studio';
  const json = (v: unknown) => () => JSON.stringify(v);
  const completed = (m: MessageJson): Step => ({ event: 'conversation.message.completed', data: json(m), delayMs: 0, after: () => store.store(chat, m) });
  const delta = (m: MessageJson, content: string, reasoning?: string): Step => {
    const d: MessageJson = { ...m, content };
    if (reasoning !== undefined) d.reasoning_content = reasoning;
    else if (b.reasoning !== undefined) d.reasoning_content = '';
    return { event: 'conversation.message.delta', data: json(d), delayMs: b.deltaIntervalMs };
  };
  const chatEvent = (name: string, status: 'created' | 'in_progress' | 'completed' | 'failed' | 'requires_action'): Step => ({
    event: `conversation.chat.${name}`,
    data: () => JSON.stringify(store.chatJson(chat, status)),
    delayMs: 0,
  });

  const steps: Step[] = [chatEvent('created', 'created'), { ...chatEvent('in_progress', 'in_progress'), after: () => store.setInProgress(chat) }];
  steps.push(...chat.planned.extras.map(completed));

  // Per answer: its delta steps, then its completed step.
  const perAnswer: Step[][] = chat.planned.answers.map((m, i) => {
    const s: Step[] = [];
    if (i === 0 && b.reasoning !== undefined) {
      for (const r of splitCodePoints(b.reasoning, b.deltaSize)) s.push(delta(m, '', r));
    }
    for (const c of splitCodePoints(m.content, b.deltaSize)) s.push(delta(m, c));
    return s;
  });

  const status = b.finalStatus;
  if (status === 'completed') {
    const answerSteps = chat.planned.answers.map((m, i) => [...perAnswer[i]!, completed(m)]);
    if (b.interleave && answerSteps.length > 1) {
      // Round-robin: deltas of different message ids alternate; each answer completes right after its last delta.
      for (let k = 0; answerSteps.some((s) => k < s.length); k++) {
        for (const s of answerSteps) if (k < s.length) steps.push(s[k]!);
      }
    } else {
      for (const s of answerSteps) steps.push(...s);
    }
    steps.push(completed(chat.planned.verbose));
    steps.push(...chat.planned.followUps.map(completed));
    steps.push({ ...chatEvent('completed', 'completed'), after: () => store.finish(chat, 'completed') });
  } else if (status === 'failed') {
    // A failed run has usually streamed part of an answer first: a client must not show that as a success.
    const first = perAnswer[0] ?? [];
    steps.push(...first.slice(0, Math.ceil(first.length / 2)));
    steps.push({ after: () => store.finish(chat, 'failed'), delayMs: 0 });
    if (studio) {
      const { code, msg } = b.lastError;
      steps.push({ event: 'error', data: json({ code, msg }), delayMs: 0 });
      return steps;
    }
    steps.push(chatEvent('failed', 'failed'));
  } else if (status === 'requires_action' && chat.chatflow) {
    // A chatflow at a Question node: the node's question streams as the answer, then the chat waits for the
    // user's next message (docs: workflow_chat, conversation.chat.requires_action).
    chat.planned.answers.forEach((m, i) => steps.push(...perAnswer[i]!, completed(m)));
    steps.push({ ...chatEvent('requires_action', 'requires_action'), after: () => store.finish(chat, 'requires_action') });
  } else if (status === 'requires_action') {
    steps.push(completed(chat.planned.functionCall));
    if (studio) steps.push({ after: () => store.finish(chat, 'requires_action'), delayMs: 0 });
    else steps.push({ ...chatEvent('requires_action', 'requires_action'), after: () => store.finish(chat, 'requires_action') });
  } else {
    // finalStatus 'canceled': Coze documents no canceled event; the stream just ends.
    steps.push({ after: () => store.finish(chat, 'canceled'), delayMs: 0 });
  }
  if (studio) {
    steps.push({ event: 'conversation.stream.done', data: () => '', delayMs: 0 });
    return steps;
  }
  // A chatflow's done carries the run's debug_url instead of "[DONE]" (docs: workflow_chat).
  const done = chat.chatflow && fmt.done !== 'none'
    ? JSON.stringify({ debug_url: `https://www.coze.cn/work_flow?execute_id=${chat.id}&workflow_id=${chat.chatflow.workflowId}` })
    : doneDataLine(fmt);
  if (done !== undefined) steps.push({ event: 'done', data: () => done, delayMs: 0 });
  return steps;
}

export interface StreamIo {
  writer: SseWriter;
  timers: Timers;
  /** False once the client's connection is gone: stop generating. */
  alive: () => boolean;
  /** Abrupt end (TCP reset when possible). */
  destroy: () => void;
  /** Normal end of the response. */
  end: () => void;
}

export type StreamOutcome = 'ended' | 'reset' | 'stalled' | 'gone';

type StreamFault = Extract<Fault, { afterEvents: number }>;

/** Writes the planned steps, applying a mid-stream fault after `afterEvents` events. */
export async function runStream(chat: ChatRecord, store: ChatStore, io: StreamIo, fault?: Fault): Promise<StreamOutcome> {
  const fmt = streamFormat(chat.behavior);
  const midFault: StreamFault | undefined = fault && 'afterEvents' in fault ? fault : undefined;
  let sent = 0;
  try {
    for (const step of planStream(chat, store)) {
      if (midFault && midFault.afterEvents === sent) return await applyFault(midFault);
      if (step.delayMs > 0) await io.timers.sleep(step.delayMs);
      if (!io.alive()) return 'gone';
      if (step.event !== undefined && step.data) {
        await io.writer.send(formatEvent(step.event, step.data(), fmt));
        sent++;
      }
      step.after?.();
    }
    if (midFault && midFault.afterEvents === sent) return await applyFault(midFault);
    await io.writer.flush();
    io.end();
    return 'ended';
  } catch {
    // A write failed: the client left. The server notices through the response's close event.
    return 'gone';
  }

  async function applyFault(f: StreamFault): Promise<StreamOutcome> {
    await io.writer.flush();
    switch (f.kind) {
      case 'reset-mid-stream':
        io.destroy();
        return 'reset';
      case 'stall-mid-stream':
        return 'stalled';
      case 'error-event': {
        const error = { code: f.code, msg: f.msg };
        await io.writer.send(formatEvent('error', JSON.stringify(error), fmt));
        await io.writer.flush();
        store.finish(chat, 'failed', error);
        io.end();
        return 'ended';
      }
    }
  }
}
