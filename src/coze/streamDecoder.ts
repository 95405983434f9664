// Turns the bytes of Coze's chat stream into chat state: ids, status, answer text, follow-ups, usage, and the
// errors the stream reports (docs/coze-api.md#stream-events). No I/O and no timers: the stream flow feeds it, and the
// fuzz tests feed it random chunkings and random bytes (test/unit/decoders.fuzz.test.ts).

import { finalStatusError, normalizeStatus, type ChatState } from './chatState';
import { apiError, isRecord, type ReplyMeta } from './decode';
import { CozeError } from './errors';
import { SseParser, isDoneData, type SseEvent } from './sse';

export interface StreamDecoderDeps {
  state: ChatState;
  meta: ReplyMeta;
  /** Removes secrets from text that came from the server. */
  redact: (s: string) => string;
  /** Something the caller may want to show changed (status, ids, text). */
  onProgress: () => void;
  /**
   * A chatflow's stream (POST /v1/workflows/chat, docs/coze-api.md#chatflows): `requires_action` is a Question
   * or Input node waiting for the user's next message — the answer so far is the node's question, not a failure.
   */
  chatflow?: boolean;
}

export class StreamDecoder {
  private readonly parser = new SseParser();
  /** The `done` event arrived: nothing more to read. */
  done = false;

  constructor(private readonly deps: StreamDecoderDeps) {}

  /**
   * Feeds a chunk. Throws a CozeError when an event ends the question: chat failed / requires_action / canceled,
   * an `error` event, or an event whose data is not a JSON object. Events after `done` are ignored.
   */
  push(chunk: Uint8Array | string): void {
    for (const ev of this.parser.push(chunk)) {
      if (this.done) return;
      this.handle(ev);
    }
  }

  /** The body ended: handles an event left without its closing blank line. */
  end(): void {
    for (const ev of this.parser.end()) {
      if (this.done) return;
      this.handle(ev);
    }
  }

  /** conversation.chat.completed arrived. */
  get completed(): boolean {
    return this.deps.state.status === 'completed';
  }

  private handle(ev: SseEvent): void {
    const { state, onProgress } = this.deps;
    switch (ev.event) {
      case 'conversation.chat.created':
      case 'conversation.chat.in_progress':
        state.noteChat(parseData(ev));
        onProgress();
        return;
      case 'conversation.message.delta': {
        const m = parseData(ev);
        // Deltas carry chat_id and conversation_id too: useful if chat.created was missed.
        state.noteIds(m.conversation_id, m.chat_id, { onlyMissing: true });
        if (state.answers.delta(m)) onProgress();
        return;
      }
      case 'conversation.message.completed': {
        const m = parseData(ev);
        state.noteIds(m.conversation_id, m.chat_id, { onlyMissing: true });
        if (state.answers.completed(m)) onProgress();
        return;
      }
      case 'conversation.chat.completed':
      case 'conversation.chat.failed':
      case 'conversation.chat.requires_action':
      case 'conversation.chat.canceled':
      case 'conversation.chat.cancelled': {
        state.noteChat(parseData(ev));
        // The event name is what counts, even if its data forgot the status (Studio spells `cancelled`).
        state.status = normalizeStatus(ev.event.slice('conversation.chat.'.length));
        if (state.status === 'requires_action' && this.deps.chatflow) {
          onProgress();
          return;
        }
        if (state.status !== 'completed') throw finalStatusError(state, this.deps.meta.logId);
        onProgress();
        return;
      }
      case 'error': {
        const { meta, redact } = this.deps;
        const d = parseData(ev);
        const code = typeof d.code === 'number' ? d.code : undefined;
        if (code !== undefined && code !== 0) throw apiError(code, d.msg, meta.logId, meta.status, redact);
        const msg = typeof d.msg === 'string' && d.msg ? `: ${d.msg}` : '';
        throw new CozeError('api', redact(`Coze reported an error in the stream${msg}.`), { logId: meta.logId });
      }
      case 'done':
        // A chatflow's done carries {"debug_url":…} instead of "[DONE]" (docs/coze-api.md#chatflows).
        if (isDoneData(ev.data) || (this.deps.chatflow && isJsonObject(ev.data))) this.done = true;
        return;
      case 'conversation.stream.done':
        // Coze Studio's end of stream, with an empty data line (docs/coze-api.md#end-of-stream).
        this.done = true;
        return;
      default:
        // conversation.audio.delta, future events: not part of a text answer.
        return;
    }
  }
}

function parseData(ev: SseEvent): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(ev.data);
  } catch {
    throw new CozeError('protocol', `Coze sent an unreadable stream event (${printable(ev.event)}).`);
  }
  if (!isRecord(v)) throw new CozeError('protocol', `Coze sent an unexpected stream event (${printable(ev.event)}).`);
  return v;
}

function isJsonObject(data: string): boolean {
  try {
    return isRecord(JSON.parse(data));
  } catch {
    return false;
  }
}

/** An event name is server text: keep it short and printable in a message. */
function printable(name: string): string {
  const s = name.replace(/[^\w.-]/g, '').slice(0, 60);
  return s || 'unnamed';
}
