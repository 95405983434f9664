// The fake's workspaces and bots: GET /v1/workspaces, GET /v1/bots (paged) and GET /v1/bots/:id, from the shapes
// in docs/coze-api.md#workspaces-and-bots. Seed data below; behavior `workspaces` / `bots` replace it, and
// `botListDenied` makes the bot list answer a permission code.

import { isRecord } from './util';

/** The part of the behavior (behavior.ts) the catalog reads. */
export interface CatalogBehavior {
  workspaces?: FakeWorkspace[];
  workspacesTotal?: number;
  bots?: FakeBot[];
}

export interface FakeWorkspace {
  id: string;
  name: string;
  icon_url?: string;
  /** owner | admin | member */
  role_type?: string;
  /** personal | team */
  workspace_type?: string;
}

export interface FakeBot {
  id: string;
  name: string;
  workspace_id: string;
  description?: string;
  icon_url?: string;
  /** Published to the API channel (connector 1024). Default true; false: only `publish_status=all` lists it. */
  published?: boolean;
}

/** The bot every test uses by default (test/unit/cozeTestKit.ts BOT_ID, test/suite/fakeControl.ts BOT_ID). */
export const DEFAULT_BOT_ID = '7445600453913968691';
export const PERSONAL_WORKSPACE_ID = '7300000000000000101';
export const TEAM_WORKSPACE_ID = '7300000000000000202';

const ICON = (n: number): string => `https://lf-coze-web-cdn.coze.cn/obj/fake-coze/bot-icon-${n}.png`;

/** Seed: two workspaces; the personal one has 23 API-published bots (two pages of 20) and one draft. */
export function defaultWorkspaces(): FakeWorkspace[] {
  return [
    { id: PERSONAL_WORKSPACE_ID, name: 'Personal', icon_url: ICON(0), role_type: 'owner', workspace_type: 'personal' },
    { id: TEAM_WORKSPACE_ID, name: '研发团队', icon_url: ICON(1), role_type: 'member', workspace_type: 'team' },
  ];
}

export function defaultBots(): FakeBot[] {
  const bots: FakeBot[] = [
    {
      id: DEFAULT_BOT_ID,
      name: 'Code Helper',
      workspace_id: PERSONAL_WORKSPACE_ID,
      description: 'Explains and reviews code, writes tests.',
      icon_url: ICON(2),
    },
  ];
  for (let i = 1; i <= 22; i++) {
    bots.push({
      id: `74456004539139${String(70000 + i)}`,
      name: `Helper ${String(i).padStart(2, '0')}`,
      workspace_id: PERSONAL_WORKSPACE_ID,
      // Every third bot has no description and no icon, as real lists do.
      ...(i % 3 === 0 ? {} : { description: `Fake bot number ${i}.`, icon_url: ICON(10 + i) }),
    });
  }
  bots.push({ id: '7445600453913971000', name: 'Draft Bot', workspace_id: PERSONAL_WORKSPACE_ID, description: 'Never published.', published: false });
  bots.push({ id: '7445600453913980001', name: '翻译助手', workspace_id: TEAM_WORKSPACE_ID, description: '中英互译。', icon_url: ICON(40) });
  bots.push({ id: '7445600453913980002', name: 'SQL Expert', workspace_id: TEAM_WORKSPACE_ID, icon_url: 'http://insecure.example/icon.png' });
  return bots;
}

export type CatalogReply = { ok: true; data: unknown } | { ok: false; code: number; msg: string };

const bad = (msg: string): CatalogReply => ({ ok: false, code: 4000, msg: `invalid parameter: ${msg}` });

/** A page number / size from the query: absent → the default; not a positive integer → undefined (4000). */
function intParam(q: URLSearchParams, name: string, dflt: number): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  return /^\d+$/.test(raw) && Number(raw) >= 1 ? Number(raw) : undefined;
}

export function listWorkspaces(b: CatalogBehavior, q: URLSearchParams): CatalogReply {
  const pageNum = intParam(q, 'page_num', 1);
  const pageSize = intParam(q, 'page_size', 10);
  if (pageNum === undefined) return bad('page_num must be a positive integer');
  // docs list_workspace: default 10, at most 50.
  if (pageSize === undefined || pageSize > 50) return bad('page_size must be between 1 and 50');
  const all = b.workspaces ?? defaultWorkspaces();
  const page = all.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return {
    ok: true,
    data: {
      workspaces: page.map((w) => ({ icon_url: '', role_type: 'member', workspace_type: 'team', ...w })),
      total_count: b.workspacesTotal ?? all.length,
    },
  };
}

export function listBots(b: CatalogBehavior, q: URLSearchParams): CatalogReply {
  const workspaceId = q.get('workspace_id');
  if (!workspaceId) return bad('workspace_id is required');
  const pageNum = intParam(q, 'page_num', 1);
  const pageSize = intParam(q, 'page_size', 20);
  if (pageNum === undefined || pageSize === undefined) return bad('page_num and page_size must be positive integers');
  const status = q.get('publish_status') || 'published_online';
  if (!['published_online', 'published_draft', 'unpublished_draft', 'all'].includes(status)) return bad(`unknown publish_status ${status}`);
  const connector = q.get('connector_id') || '1024';
  const inSpace = (b.bots ?? defaultBots()).filter((bot) => bot.workspace_id === workspaceId);
  const published = (bot: FakeBot) => bot.published !== false && connector === '1024';
  const selected = status === 'all' ? inSpace : status === 'unpublished_draft' ? inSpace.filter((x) => !published(x)) : inSpace.filter(published);
  const page = selected.slice((pageNum - 1) * pageSize, pageNum * pageSize);
  return {
    ok: true,
    data: {
      items: page.map((bot, i) => ({
        id: bot.id,
        name: bot.name,
        icon_url: bot.icon_url ?? '',
        description: bot.description ?? '',
        is_published: published(bot),
        ...(published(bot) ? { published_at: 1733400000 + i } : {}),
        updated_at: 1733500000 + i,
        owner_user_id: '7300000000000000007',
      })),
      total: selected.length,
    },
  };
}

/** GET /v1/bots/:id: the published configuration (a subset of coze-js BotInfo); undefined for an unknown bot. */
export function botInfo(b: CatalogBehavior, botId: string): Record<string, unknown> | undefined {
  const bot = (b.bots ?? defaultBots()).find((x) => x.id === botId);
  if (!bot) return undefined;
  return {
    bot_id: bot.id,
    name: bot.name,
    description: bot.description ?? '',
    icon_url: bot.icon_url ?? '',
    create_time: 1733300000,
    update_time: 1733500000,
    version: '1733500000000',
    bot_mode: 0,
    prompt_info: { prompt: 'You are a helpful assistant.' },
    onboarding_info: { prologue: `Hi, I am ${bot.name}.`, suggested_questions: [] },
    plugin_info_list: [],
    workflow_info_list: [],
    shortcut_commands: [],
  };
}

/** Behavior checks (behavior.ts). */
export const isWorkspaceList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((w) => isRecord(w) && typeof w.id === 'string' && typeof w.name === 'string');
export const isBotList = (v: unknown): boolean =>
  Array.isArray(v) &&
  v.every(
    (x) =>
      isRecord(x) &&
      typeof x.id === 'string' &&
      typeof x.name === 'string' &&
      typeof x.workspace_id === 'string' &&
      (x.published === undefined || typeof x.published === 'boolean'),
  );
