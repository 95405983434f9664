import type { CozeClient } from './coze';
import { loadCoze } from './cozeLoader';
import { Disposable } from './dispose';
import { apiHost } from './endpoint';
import type { Log } from './log';
import type { AskCozeSettings } from './settings';
import { loadSystemCas, readOsStore, type SystemCaReader } from './systemCa';

// One CozeClient (one undici pool, one rate limiter) serves every question, whatever its bot (chosen per
// question), while the settings and the token stay the same, so that the minimum interval between requests
// holds across concurrent questions from Ask Coze and the chat.
// A change of settings or token builds a new client; the old one is closed once its questions are done.

interface Entry {
  key: string;
  client: CozeClient;
  users: number;
  retired: boolean;
}

export class ClientProvider extends Disposable {
  private current: Entry | undefined;
  private readonly retired = new Set<Entry>();
  /** The OS store, read at the first question that needs it and again after a reset (a settings or key change). */
  private systemStore: Promise<string[]> | undefined;

  constructor(
    private readonly log: Log,
    private readonly readSystemStore: SystemCaReader = readOsStore,
  ) {
    super();
  }

  /** Runs `work` with a client for these settings and token, and releases it afterwards. */
  async use<T>(settings: AskCozeSettings, token: string, userId: string, work: (client: CozeClient) => Promise<T>): Promise<T> {
    const entry = this.acquire(settings, token, userId, await this.systemCas(settings));
    try {
      return await work(entry.client);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) this.closeEntry(entry);
    }
  }

  private systemCas(settings: AskCozeSettings): Promise<string[]> {
    // Without certificate checks there is nothing to trust, so the store is not even read.
    if (!settings.systemCertificates || settings.tls?.rejectUnauthorized === false) return Promise.resolve([]);
    this.systemStore ??= loadSystemCas((message) => this.log.warn(message), this.readSystemStore);
    return this.systemStore;
  }

  private acquire(settings: AskCozeSettings, token: string, userId: string, systemCas: readonly string[]): Entry {
    const key = JSON.stringify([
      settings.baseUrl,
      token,
      userId,
      settings.minRequestIntervalMs,
      settings.maxRetries,
      settings.pollIntervalMs,
      settings.requestTimeoutMs,
      settings.maxWaitMs,
      settings.proxy ?? null,
      settings.tls ?? null,
      settings.insecureHost ?? null,
      // The count stands for the store: it is re-read only after a reset, which builds a new client anyway.
      systemCas.length,
    ]);
    if (this.current?.key !== key) {
      if (this.current) this.retire(this.current);
      const { CozeClient } = loadCoze();
      const client = new CozeClient({
        baseUrl: settings.baseUrl!,
        // Only for the plain-http host the user listed in askCoze.allowInsecureHttpHosts (readSettings).
        allowInsecureHttp: settings.insecureHost !== undefined && apiHost(settings.baseUrl!) === settings.insecureHost,
        token,
        botId: settings.botId,
        userId,
        minIntervalMs: settings.minRequestIntervalMs,
        maxRetries: settings.maxRetries,
        pollIntervalMs: settings.pollIntervalMs,
        requestTimeoutMs: settings.requestTimeoutMs,
        maxWaitMs: settings.maxWaitMs,
        proxy: settings.proxy,
        tls: systemCas.length > 0 ? { ...settings.tls, ca: [...caList(settings.tls?.ca), ...systemCas] } : settings.tls,
        onRequestLog: (entry) => this.log.request(entry),
        // Once per client, e.g. "this server always streams" (a Coze Studio older than v0.5.1).
        onNotice: (message) => this.log.info(message),
      });
      this.current = { key, client, users: 0, retired: false };
    }
    this.current.users++;
    return this.current;
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    if (entry.users === 0) this.closeEntry(entry);
    else this.retired.add(entry);
  }

  private closeEntry(entry: Entry): void {
    this.retired.delete(entry);
    entry.client.close().catch((err: unknown) => this.log.warn(`closing the Coze client failed: ${String(err)}`));
  }

  /** Drops the current client (after a key or settings change); questions in flight finish on the old one. */
  reset(): void {
    if (this.current) this.retire(this.current);
    this.current = undefined;
    this.systemStore = undefined;
  }

  override dispose(): void {
    this.reset();
    for (const entry of [...this.retired]) this.closeEntry(entry);
    super.dispose();
  }
}

function caList(ca: string | readonly string[] | undefined): readonly string[] {
  return ca === undefined ? [] : typeof ca === 'string' ? [ca] : ca;
}
