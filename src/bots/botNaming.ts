import * as v from 'valibot';
import { isBotId } from '../ids';

// The pure rules behind bot names: how a bot without a known name is labelled, how the name cache is keyed and
// read back, how a pasted id or address becomes a bot id, and how a bot joins askCoze.bots. No vscode import, so
// that the unit tests reach them in plain Node; src/bots/botNames.ts and botPicker.ts hold the VS Code side.

/** The names askCoze.bots allows (package.json maxLength), and so the names kept. */
export const MAX_BOT_NAME = 60;
/** askCoze.bots holds at most this many entries (package.json maxItems). */
export const MAX_LISTED_BOTS = 50;
/** Cached names beyond this many are dropped, oldest lookup first: a cache, not a record of every bot ever seen. */
export const MAX_CACHED_NAMES = 200;

/**
 * The tail of a bot id that tells bots apart at a glance: "…3968691" for a 19-digit id. Coze's ids are
 * snowflakes whose leading digits are a timestamp, so the last digits are the ones that differ; seven keep two
 * bots of one account apart in practice, and the full id is always one hover (tooltip) away.
 */
export function shortBotId(botId: string): string {
  const id = botId.trim();
  return id.length > 8 ? `…${id.slice(-7)}` : id;
}

/**
 * What earlier versions stored as the name of askCoze.botId's bot in chat history ("Default bot", in English or
 * Chinese). It says nothing about the bot, so it reads as no name at all.
 */
const PLACEHOLDER_NAMES = new Set(['Default bot', '默认智能体']);

/** A name kept with a chat turn or conversation, or undefined when it is none or only that placeholder. */
export function storedBotName(name: string | undefined): string | undefined {
  const clean = cleanBotName(name);
  return clean && !PLACEHOLDER_NAMES.has(clean) ? clean : undefined;
}

/** A name as it can be shown: one line, tidied, at most MAX_BOT_NAME characters; '' when there is none. */
export function cleanBotName(name: string | undefined): string {
  const line = (name ?? '').replace(/\s+/g, ' ').trim();
  const points = Array.from(line);
  return points.length > MAX_BOT_NAME ? `${points.slice(0, MAX_BOT_NAME - 1).join('').trimEnd()}…` : line;
}

/**
 * The cache key of a bot's name: the API base URL and the bot id. Bot ids are only unique per Coze deployment
 * (a Studio's ids can repeat a cloud id), so the address is part of the key. Never the token: the key is stored.
 */
export function botNameKey(baseUrl: string, botId: string): string {
  return `${baseUrl.trim().replace(/\/+$/, '').toLowerCase()} ${botId.trim()}`;
}

const CachedNameSchema = v.object({
  name: v.pipe(v.string(), v.transform((name: string) => cleanBotName(name)), v.nonEmpty()),
  /** Epoch ms of the lookup or pick that gave the name. */
  at: v.pipe(v.number(), v.finite()),
});
export type CachedName = v.InferOutput<typeof CachedNameSchema>;
export type NameCache = Record<string, CachedName>;

/** The cache as stored in globalState; anything malformed (an older format, a hand edit) is dropped entry by entry. */
export function parseNameCache(raw: unknown): NameCache {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const cache: NameCache = {};
  for (const [key, value] of Object.entries(raw)) {
    const parsed = v.safeParse(CachedNameSchema, value);
    if (parsed.success) cache[key] = parsed.output;
  }
  return cache;
}

/** The cache with one name added (or refreshed), the oldest entries dropped beyond MAX_CACHED_NAMES. */
export function withCachedName(cache: NameCache, key: string, name: string, at: number): NameCache {
  const clean = cleanBotName(name);
  if (!clean) return cache;
  const next: NameCache = { ...cache, [key]: { name: clean, at } };
  const keys = Object.keys(next);
  if (keys.length <= MAX_CACHED_NAMES) return next;
  const oldest = keys.sort((a, b) => next[a]!.at - next[b]!.at).slice(0, keys.length - MAX_CACHED_NAMES);
  for (const k of oldest) delete next[k];
  return next;
}

/**
 * The bot id in what a user pasted: the id itself, or the bot's address in Coze (…/space/…/bot/<id>…), which is
 * what people have on the clipboard. Undefined when it holds neither.
 */
export function botIdFromInput(text: string): string | undefined {
  const trimmed = text.trim();
  if (isBotId(trimmed)) return trimmed;
  const fromUrl = /\/bots?\/(\d+)(?:[/?#]|$)/.exec(trimmed)?.[1];
  return fromUrl && isBotId(fromUrl) ? fromUrl : undefined;
}

/**
 * Whether askCoze.bots (as read from settings.json: anything) already has an entry for this bot id. An entry with
 * a workflowId is a chatflow, whatever else it has, so it does not count.
 */
export function listsBot(raw: unknown, botId: string): boolean {
  return (
    Array.isArray(raw) &&
    raw.some((entry) => typeof entry === 'object' && entry !== null && !('workflowId' in entry) && String((entry as { id?: unknown }).id ?? '').trim() === botId)
  );
}

/**
 * askCoze.bots with `{ name, id }` added at the end, or undefined when nothing is to be written: the bot is there
 * already, the list is full, or there is no name to give it. Entries this version does not understand are kept
 * exactly as the user wrote them.
 */
export function withListedBot(raw: unknown, bot: { id: string; name: string }): unknown[] | undefined {
  const list = Array.isArray(raw) ? raw : [];
  const name = cleanBotName(bot.name);
  if (!name || !isBotId(bot.id) || listsBot(list, bot.id) || list.length >= MAX_LISTED_BOTS) return undefined;
  return [...list, { name, id: bot.id }];
}

/** A bot's description as one line of a picker's detail: tidied and cut at `max` characters. */
export function oneLine(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const points = Array.from(line);
  return points.length > max ? `${points.slice(0, max - 1).join('').trimEnd()}…` : line;
}
