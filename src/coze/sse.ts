// Server-Sent Events parser for Coze's chat stream (WHATWG "event stream interpretation", plus leniency).
//
// Coze traps handled here (coze-api.md "Streaming"):
// - a chunk boundary can fall anywhere, inside a line and inside a multi-byte UTF-8 character (Chinese text):
//   bytes go through one streaming TextDecoder, and partial lines are kept until their terminator arrives;
// - `data:{...}` and `data: {...}` both occur: one optional space after the colon is dropped (as the spec says);
// - lines may end in LF, CRLF or CR, also when the CR and the LF arrive in different chunks.
//
// Partial lines are kept as a list of pieces and joined once, so a long line that arrives in many tiny chunks
// costs O(n), not O(n²).

export interface SseEvent {
  /** The `event:` field; '' when the event had none (the spec would call it "message"). */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The `id:` field, when present. */
  id?: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private pieces: string[] = [];
  /** The previous chunk ended in CR: a LF at the start of the next one belongs to the same line end. */
  private skipLeadingLf = false;
  private eventName = '';
  private dataLines: string[] = [];
  private eventId: string | undefined;
  private hasFields = false;

  /** Feeds a chunk of bytes (or already decoded text) and returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    this.scan(text, out);
    return out;
  }

  /**
   * Ends the stream. Unlike the spec, which drops an event not followed by a blank line, a pending event is
   * returned: a server that closes right after its last `data:` line (seen with self-hosted Coze Studio, which
   * also omits `done`) should not lose that event.
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    this.scan(this.decoder.decode(), out);
    if (this.pieces.length > 0) {
      const line = this.pieces.join('');
      this.pieces = [];
      this.line(line, out);
    }
    this.dispatch(out);
    return out;
  }

  private scan(text: string, out: SseEvent[]): void {
    let start = 0;
    if (this.skipLeadingLf && text.length > 0) {
      this.skipLeadingLf = false;
      if (text.charCodeAt(0) === 10) start = 1;
    }
    const n = text.length;
    // Next LF / CR positions, cached so a chunk of many LF-only lines is scanned once (not once per line).
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (start < n) {
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf === -1 && cr === -1) break;
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      let line = text.slice(start, end);
      if (this.pieces.length > 0) {
        this.pieces.push(line);
        line = this.pieces.join('');
        this.pieces = [];
      }
      this.line(line, out);
      start = end + 1;
      if (end === cr) {
        if (start < n) {
          if (text.charCodeAt(start) === 10) start++;
        } else {
          this.skipLeadingLf = true;
        }
      }
    }
    if (start < n) this.pieces.push(text.slice(start));
  }

  private line(line: string, out: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return; // comment (keep-alive)
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'event':
        this.eventName = value;
        this.hasFields = true;
        break;
      case 'data':
        this.dataLines.push(value);
        this.hasFields = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.eventId = value;
        break;
      default:
        // `retry` and unknown fields are ignored, as the spec says.
        break;
    }
  }

  private dispatch(out: SseEvent[]): void {
    // The spec drops events without data; we also keep a named event without data (e.g. a bare `event:done`).
    if (this.hasFields && (this.dataLines.length > 0 || this.eventName !== '')) {
      const ev: SseEvent = { event: this.eventName, data: this.dataLines.join('\n') };
      if (this.eventId !== undefined) ev.id = this.eventId;
      out.push(ev);
    }
    this.eventName = '';
    this.dataLines = [];
    this.hasFields = false;
    // Per the spec the last event id persists across events; Coze does not send ids, so keeping it per event
    // is simpler and reports only what each event actually carried.
    this.eventId = undefined;
  }
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
