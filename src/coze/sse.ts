// Server-Sent Events for Coze's chat stream. eventsource-parser does the parsing (the WHATWG "event stream
// interpretation": fields, one optional space after the colon, comments, chunk boundaries inside lines); this
// adapter adds what Coze needs on top of it (docs/coze-api.md#event-format, #utf-8-split-across-chunks,
// #end-of-stream):
// - bytes go through one streaming TextDecoder, so a chunk boundary inside a multi-byte UTF-8 character (Chinese
//   text) is harmless;
// - CR and CRLF line ends become LF before parsing, also when the CR and the LF arrive in different chunks: the
//   parser's own CR path searches for the next CR and the next LF afresh for each line, which is quadratic on a
//   chunk of many LF lines with a CR near its end;
// - the last event is delivered at EOF even without its closing blank line (below, end());
// - a named event without any data line is kept (a bare `event:done`), where the spec and the parser drop it;
// - one event, or one line still waiting for its end, is bounded (MAX_EVENT_CHARS).

import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { CozeError } from './errors';

export interface SseEvent {
  /** The `event:` field; '' when the event had none (the spec would call it "message"). */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The `id:` field, when present. */
  id?: string;
}

/**
 * The most text one event (or one unfinished line) may hold, in UTF-16 code units as the parser counts them.
 * Coze's largest event is the `conversation.message.completed` that repeats a whole answer: a model's longest
 * answers are well under 1 MB, and the bench streams a 1 MB one. 8 Mi characters (16 MiB of string in memory at
 * most) leaves room for long workflow outputs while a broken or hostile server that never ends a line or an event
 * fails the question instead of growing the extension host's memory without limit.
 */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

const LF = 10;
const COLON = 58;
const CR_OR_CRLF = /\r\n?/g;

/**
 * A data line the adapter writes in front of an `event` line, so that the parser also dispatches an event that
 * has no data line of its own; it is taken out again before the event is returned. A lone low surrogate: text
 * decoded from bytes never contains one (the TextDecoder turns invalid input into U+FFFD), so no data line of the
 * server's can be mistaken for it. Text pushed as a string is assumed well-formed in the same way.
 */
const MARKER = '\uDC00';
const MARKER_LINE = `data:${MARKER}\n`;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  /** Events the parser completed during the current push()/end(). */
  private out: SseEvent[] = [];
  /** The previous text ended in CR (already turned into LF): a LF at the start of the next one is the same line end. */
  private crPending = false;
  /** The next text starts a line. */
  private atLineStart = true;
  /** The start of a line, kept back until it shows whether the line is an `event` field ("e" … "event"). */
  private held = '';
  /** Markers written but not yet seen in a dispatched event: while 0, no event's data is searched for one. */
  private markers = 0;
  private failure: CozeError | undefined;

  constructor() {
    this.parser = createParser({
      onEvent: (msg) => this.onEvent(msg),
      onError: (err) => this.onError(err),
      maxBufferSize: MAX_EVENT_CHARS,
    });
    // eventsource-parser drops "\xEF\xBB\xBF" (a UTF-8 BOM read as Latin-1) from the start of its first chunk. Our
    // text is decoded already (the TextDecoder removes a real BOM), so those would be three real characters; a
    // first blank line, which dispatches nothing, keeps them.
    this.parser.feed('\n');
  }

  /** Feeds a chunk of bytes (or already decoded text) and returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    if (this.failure) throw this.failure;
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.run(text);
  }

  /**
   * Ends the stream. Unlike the spec, which drops an event not followed by a blank line, a pending event is
   * returned: a server that closes right after its last `data:` line (seen with self-hosted Coze Studio, which
   * also omits `done`) should not lose that event. Two line ends finish both the last line and the last event.
   */
  end(): SseEvent[] {
    if (this.failure) throw this.failure;
    return this.run(`${this.decoder.decode()}\n\n`);
  }

  private run(text: string): SseEvent[] {
    const input = this.markEventLines(this.toLf(text));
    if (input !== '') this.parser.feed(input);
    const out = this.out;
    this.out = [];
    // The events completed before the limit was passed are still delivered; the next call fails.
    if (this.failure && out.length === 0) throw this.failure;
    return out;
  }

  private toLf(text: string): string {
    if (text === '') return text;
    if (this.crPending) {
      this.crPending = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    if (text.indexOf('\r') === -1) return text;
    this.crPending = text.endsWith('\r');
    return text.replace(CR_OR_CRLF, '\n');
  }

  /** Writes MARKER_LINE in front of each `event` line whose event may have no data line (see MARKER). */
  private markEventLines(text: string): string {
    let s = this.held + text;
    this.held = '';
    const startsLine = this.atLineStart;
    // A line start at the very end that could still become "event:": wait for the rest of the line.
    const tail = s.lastIndexOf('\n') + 1;
    if ((tail > 0 || startsLine) && s.length - tail <= 5 && s.length > tail && 'event'.startsWith(s.slice(tail))) {
      this.held = s.slice(tail);
      s = s.slice(0, tail);
    }
    if (s === '') return s;
    this.atLineStart = s.charCodeAt(s.length - 1) === LF;

    let parts: string[] | undefined;
    let copied = 0;
    for (let p = s.indexOf('event'); p !== -1; p = s.indexOf('event', p + 5)) {
      if (p === 0 ? !startsLine : s.charCodeAt(p - 1) !== LF) continue;
      const after = s.charCodeAt(p + 5);
      if (after !== COLON && after !== LF) continue; // another field, e.g. "events:"
      // Coze writes `data:` right after `event:`: then the parser dispatches the event anyway, name and all.
      const eol = s.indexOf('\n', p + 5);
      if (eol !== -1 && isDataLine(s, eol + 1)) continue;
      (parts ??= []).push(s.slice(copied, p), MARKER_LINE);
      copied = p;
      this.markers++;
    }
    if (!parts) return s;
    parts.push(s.slice(copied));
    return parts.join('');
  }

  private onEvent(msg: EventSourceMessage): void {
    let data = msg.data;
    const event = msg.event ?? '';
    if (this.markers > 0 && data.includes(MARKER)) {
      const lines = data.split('\n');
      const real = lines.filter((l) => l !== MARKER);
      this.markers -= lines.length - real.length;
      // As the spec says, an event with neither data nor a name is nothing.
      if (real.length === 0 && event === '') return;
      data = real.join('\n');
    }
    const ev: SseEvent = { event, data };
    // Per the spec the last event id persists across events; Coze does not send ids, so keeping it per event
    // (as the parser does) reports only what each event actually carried.
    if (msg.id !== undefined) ev.id = msg.id;
    this.out.push(ev);
  }

  private onError(err: ParseError): void {
    // `retry` and unknown fields are reported here too: ignored, as the spec says.
    if (err.type !== 'max-buffer-size-exceeded') return;
    this.failure = new CozeError(
      'protocol',
      `Coze sent a stream event longer than ${MAX_EVENT_CHARS / (1024 * 1024)} Mi characters (or a line that never ends): the stream was stopped.`,
    );
  }
}

/** `data:…` or a bare `data` at `i`. Unsure (the text ends first) counts as no. */
function isDataLine(s: string, i: number): boolean {
  if (!s.startsWith('data', i)) return false;
  const c = s.charCodeAt(i + 4);
  return c === COLON || c === LF;
}

/** Parses a whole stream given as chunks (tests, tools). */
export function parseSse(chunks: Iterable<Uint8Array | string>): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) for (const ev of parser.push(c)) out.push(ev);
  for (const ev of parser.end()) out.push(ev);
  return out;
}

/** True when a `done` event's data is the end marker, quoted (real streams) or bare (one doc sketch). */
export function isDoneData(data: string): boolean {
  const d = data.trim();
  return d === '"[DONE]"' || d === '[DONE]' || d === '';
}
