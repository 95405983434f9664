import * as vscode from 'vscode';
import { parseBots } from '../chat/chatModel';
import { Disposable } from '../dispose';
import type { Log } from '../log';
import { isValidBotId, readSettings } from '../settings';
import type { BotCatalog } from './botCatalog';
import { botNameKey, parseNameCache, shortBotId, storedBotName, withCachedName, type NameCache } from './botNaming';

// What a bot is called, wherever a bot is shown (the chat header and turns, the answer panel, the status bar):
// the label the user gave it in askCoze.bots, else the name Coze gave it (kept in globalState, keyed by API base
// URL and bot id, never by the token), else the name stored with a turn, else its id, shortened ("Bot …3968691").
// Names come from Select Bot's picks and from one quiet background lookup (GET /v1/bots/:id) of askCoze.botId
// per bot and session; a failed lookup is logged, never shown: the id is a readable enough name meanwhile.

const CACHE_KEY = 'askCoze.botNames';
/** A cached name older than this is looked up again (once per session): bots get renamed. */
const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000;

export interface BotNameSource {
  /** The name to show for a bot; `stored` is a name kept with a turn or conversation. '' only without a bot id. */
  resolve(botId: string, stored?: string): string;
  /** Some bot's name may have changed (a lookup, a pick, askCoze.bots). */
  readonly onDidChange: vscode.Event<void>;
}

/** How a bot with no known name is shown: "Bot …3968691" (the tooltip or the settings have the whole id). */
export function fallbackBotName(botId: string): string {
  return vscode.l10n.t('Bot {0}', shortBotId(botId));
}

export interface BotNamesOptions {
  /**
   * Look up askCoze.botId's name in the background. Off under the in-host tests unless a test turns it on: the
   * other suites count the requests a question makes, and a lookup arriving among them would be noise.
   */
  backgroundLookups: boolean;
}

export class BotNames extends Disposable implements BotNameSource {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private cache: NameCache;
  /** From the settings, re-read after a change of askCoze.* (resolve() runs for every turn of a view). */
  private current: { baseUrl: string | undefined; configured: Map<string, string> } | undefined;
  /** Lookups already made in this session (base URL + bot id): one per bot, successful or not. */
  private readonly tried = new Set<string>();
  private backgroundLookups: boolean;

  constructor(
    private readonly state: vscode.Memento,
    private readonly catalog: BotCatalog,
    private readonly log: Log,
    options: BotNamesOptions,
  ) {
    super();
    this.cache = parseNameCache(state.get<unknown>(CACHE_KEY));
    this.backgroundLookups = options.backgroundLookups;
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('askCoze')) return;
        this.current = undefined;
        if (e.affectsConfiguration('askCoze.bots') || e.affectsConfiguration('askCoze.botId')) this.changed.fire();
        if (e.affectsConfiguration('askCoze.botId') || e.affectsConfiguration('askCoze.baseUrl') || e.affectsConfiguration('askCoze.region')) {
          void this.lookUpDefaultBot();
        }
      }),
    );
  }

  resolve(botId: string, stored?: string): string {
    const id = botId.trim();
    const kept = storedBotName(stored);
    if (!id) return kept ?? '';
    return this.known(id) ?? kept ?? fallbackBotName(id);
  }

  /** The name the user or Coze gave the bot, if either did. */
  known(botId: string): string | undefined {
    const { baseUrl, configured } = this.settings();
    return configured.get(botId) ?? (baseUrl ? this.cache[botNameKey(baseUrl, botId)]?.name : undefined);
  }

  /** The name Coze gave the bot, as Select Bot just read it. */
  async remember(botId: string, name: string): Promise<void> {
    const { baseUrl } = this.settings();
    if (!baseUrl || !isValidBotId(botId)) return;
    const key = botNameKey(baseUrl, botId);
    const before = this.cache[key]?.name;
    this.cache = withCachedName(this.cache, key, name, Date.now());
    // The lookup of this bot would tell nothing new in this session.
    this.tried.add(key);
    await this.state.update(CACHE_KEY, this.cache);
    if (this.cache[key]?.name !== before) this.changed.fire();
  }

  /** Turns the background lookup on or off (tests); on, it looks up askCoze.botId at once if its name is unknown. */
  setBackgroundLookups(on: boolean): Promise<void> {
    this.backgroundLookups = on;
    return on ? this.lookUpDefaultBot() : Promise.resolve();
  }

  /** Forgets every cached name and every lookup of this session (tests start from nothing). */
  async forget(): Promise<void> {
    this.cache = {};
    this.tried.clear();
    await this.state.update(CACHE_KEY, undefined);
    this.changed.fire();
  }

  /**
   * Looks up askCoze.botId's name once per session when nothing names it (or the name is a day old), quietly.
   * Called at start, when the bot or the address changes, and when a key is set (without one nothing is sent).
   */
  async lookUpDefaultBot(): Promise<void> {
    if (!this.backgroundLookups || this.isDisposed) return;
    const botId = readSettings().botId;
    if (!isValidBotId(botId)) return;
    const { baseUrl, configured } = this.settings();
    if (!baseUrl || configured.has(botId)) return;
    const key = botNameKey(baseUrl, botId);
    const cached = this.cache[key];
    if (this.tried.has(key) || (cached && Date.now() - cached.at < REFRESH_AFTER_MS)) return;
    const ready = await this.catalog.ready();
    // No key yet, or settings that cannot work: nothing is sent, and a key set later tries again.
    if (!ready.ok || this.tried.has(key) || botNameKey(ready.ready.settings.baseUrl!, botId) !== key) return;
    this.tried.add(key);
    const result = await this.catalog.bot(ready.ready, botId);
    if (this.isDisposed) return;
    if (result.ok) {
      if (result.value.name.trim()) await this.remember(botId, result.value.name);
    } else if (!result.canceled) {
      this.log.info(`Bot names: bot ${botId} keeps its id as its name (${result.error.message}).`);
    }
  }

  private settings(): { baseUrl: string | undefined; configured: Map<string, string> } {
    if (!this.current) {
      const configured = new Map<string, string>();
      for (const bot of parseBots(vscode.workspace.getConfiguration('askCoze').get<unknown>('bots'))) configured.set(bot.id, bot.name);
      this.current = { baseUrl: readSettings().baseUrl, configured };
    }
    return this.current;
  }
}
