// The token's workspaces and bots: GET /v1/workspaces, GET /v1/bots (every page) and GET /v1/bots/:id
// (docs/coze-api.md#workspaces-and-bots).
//
// Coze traps:
// - both lists are paged with page_num from 1, but their envelopes differ: `workspaces` + `total_count`, and
//   `items` + `total`; a wrong total (or a server that ignores page_num) must not loop: an empty page ends the
//   list, and so does a page cap;
// - the list item calls the bot `id`, the lookup calls it `bot_id`;
// - the bot list defaults to published_online on the API channel (connector 1024) — sent explicitly anyway: those
//   are the only bots /v3/chat answers for;
// - an icon_url is server text: only an https URL is kept (a webview never loads it remotely anyway).

import { isCozeId } from '../ids';
import { isRecord } from './decode';
import { CozeError } from './errors';
import type { Transport } from './transport';
import type { CozeBot, CozeWorkspace } from './types';

/** Coze's maximum page size for workspaces (docs: list_workspace). */
export const WORKSPACE_PAGE_SIZE = 50;
/** The bot list's documented default page size (docs: bots_list_draft_published); no maximum is documented. */
export const BOT_PAGE_SIZE = 20;
/** At most this many pages of one list (5 000 workspaces, 2 000 bots): a server that keeps paging is stopped. */
const MAX_PAGES = 100;
/** The API channel ("Agent as API"): the connector whose bots /v3/chat answers for. */
const API_CONNECTOR_ID = '1024';

export async function listWorkspaces(transport: Transport, signal: AbortSignal): Promise<CozeWorkspace[]> {
  return allPages(transport, signal, WORKSPACE_PAGE_SIZE, (page) => ({ path: '/v1/workspaces', query: page }), 'workspaces', 'total_count', toWorkspace);
}

export async function listBots(transport: Transport, workspaceId: string, signal: AbortSignal): Promise<CozeBot[]> {
  return allPages(
    transport,
    signal,
    BOT_PAGE_SIZE,
    (page) => ({
      path: '/v1/bots',
      query: { workspace_id: workspaceId, publish_status: 'published_online', connector_id: API_CONNECTOR_ID, ...page },
    }),
    'items',
    'total',
    (item) => toBot(item, item.id),
  );
}

export async function getBot(transport: Transport, botId: string, signal: AbortSignal): Promise<CozeBot> {
  const reply = await transport.json<unknown>({ method: 'GET', path: `/v1/bots/${botId}` }, signal);
  const bot = isRecord(reply.data) ? toBot(reply.data, reply.data.bot_id ?? botId) : undefined;
  if (!bot) throw new CozeError('protocol', `Coze returned no readable configuration for bot ${botId}.`, { logId: reply.logId });
  return bot;
}

async function allPages<T>(
  transport: Transport,
  signal: AbortSignal,
  pageSize: number,
  request: (page: { page_num: string; page_size: string }) => { path: string; query: Record<string, string> },
  listKey: string,
  totalKey: string,
  map: (item: Record<string, unknown>) => T | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let read = 0;
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const { path, query } = request({ page_num: String(pageNum), page_size: String(pageSize) });
    const reply = await transport.json<unknown>({ method: 'GET', path, query }, signal);
    const data = isRecord(reply.data) ? reply.data : {};
    const items = data[listKey];
    if (items !== undefined && items !== null && !Array.isArray(items)) {
      throw new CozeError('protocol', `Coze returned a ${path} page that is not a list.`, { logId: reply.logId });
    }
    const page = (items ?? []) as unknown[];
    if (page.length === 0) break;
    read += page.length;
    for (const item of page) {
      const v = isRecord(item) ? map(item) : undefined;
      if (v !== undefined) out.push(v);
    }
    const total = data[totalKey];
    // No usable total: a short page is the last one.
    if (typeof total === 'number' ? read >= total : page.length < pageSize) break;
  }
  return out;
}

/** A Coze id as the wire gives it: a digit string (a JSON number would have lost precision: refused). */
function idOf(v: unknown): string | undefined {
  return typeof v === 'string' && isCozeId(v) ? v : undefined;
}

function toWorkspace(item: Record<string, unknown>): CozeWorkspace | undefined {
  const id = idOf(item.id);
  if (!id) return undefined;
  return { id, name: typeof item.name === 'string' && item.name.trim() !== '' ? item.name : id };
}

function toBot(item: Record<string, unknown>, rawId: unknown): CozeBot | undefined {
  const id = idOf(rawId);
  if (!id) return undefined;
  const bot: CozeBot = {
    id,
    name: typeof item.name === 'string' && item.name.trim() !== '' ? item.name : id,
    description: typeof item.description === 'string' ? item.description : '',
  };
  const icon = httpsUrl(item.icon_url);
  if (icon) bot.iconUrl = icon;
  return bot;
}

function httpsUrl(v: unknown): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  try {
    return new URL(v).protocol === 'https:' ? v : undefined;
  } catch {
    return undefined;
  }
}
