import * as vscode from 'vscode';
import type { RequestLogEntry } from './coze/types';
import { Disposable } from './dispose';

// The "Coze" log channel. Everything written goes through redact(): the client never hands us the token,
// but error text can quote things a server echoed, so known secrets and anything token-shaped is masked.

const TOKEN_PATTERNS = [/\bpat_[A-Za-z0-9]+/g, /\b(Bearer)\s+[^\s"']+/gi, /\bsat_[A-Za-z0-9]+/g];

export class Log extends Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  /** `observe` sees every line as written (redacted): the in-host tests prove the token never reaches the log. */
  constructor(private readonly observe?: (line: string) => void) {
    super();
    this.channel = this.register(vscode.window.createOutputChannel('Coze', { log: true }));
  }

  /** Registers a value that must never be written (the current token). */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, (_m, bearer?: string) => (bearer ? `${bearer} ***` : '***'));
    return out;
  }

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  request(entry: RequestLogEntry): void {
    const parts = [`${entry.method} ${entry.path}`];
    parts.push(entry.status === undefined ? '→ no response' : `→ ${entry.status}`);
    if (entry.code !== undefined && entry.code !== 0) parts.push(`code ${entry.code}`);
    parts.push(`${Math.round(entry.durationMs)} ms`);
    if (entry.logId) parts.push(`logid ${entry.logId}`);
    if (entry.attempt > 0) parts.push(`retry ${entry.attempt}`);
    if (entry.error) parts.push(`(${entry.error})`);
    if (entry.willRetry) parts.push('— will retry');
    const failed = entry.status === undefined || entry.status >= 400 || (entry.code !== undefined && entry.code !== 0);
    this.write(failed ? 'warn' : 'info', parts.join(' '));
  }

  show(): void {
    this.channel.show(true);
  }

  private write(level: 'info' | 'warn' | 'error', message: string): void {
    const line = this.redact(message);
    this.observe?.(`[${level}] ${line}`);
    this.channel[level](line);
  }
}
