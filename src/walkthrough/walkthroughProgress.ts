import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import type { KeyStore } from '../keyStore';
import { readSettings } from '../settings';

// The "Get started with Ask Coze" walkthrough (package.json contributes.walkthroughs) checks a step off through
// an `onContext:` completion event, so that a step is ticked when the thing is really done, not when its button
// was pressed (a Set API Key closed with Escape stores nothing). The context keys are set here from what is so:
// - platform: chosen with Coze: Choose Platform, or askCoze.region set in the user settings;
// - key: a key is stored for the address the settings point at now (SecretStorage is the record);
// - bot: picked with Coze: Select Bot, or askCoze.botId / askCoze.bots set (the default bot id is nobody's choice);
// - answered: a question got its answer, on any surface.
// What only happened once (a pick, the first answer) is kept in globalState, so it survives restarts.
// VS Code opens the walkthrough itself for a new install (workbench.welcomePage.walkthroughs.openOnInstall),
// and opening it activates the extension (onWalkthrough:, generated from the contribution).

const STATE_KEY = 'askCoze.walkthrough';

/** The context keys package.json's completionEvents name. */
export const WALKTHROUGH_CONTEXT_KEYS = {
  platform: 'askCoze.walkthrough.platformChosen',
  key: 'askCoze.walkthrough.keyStored',
  bot: 'askCoze.walkthrough.botChosen',
  answered: 'askCoze.walkthrough.answered',
} as const;

export type WalkthroughStep = keyof typeof WALKTHROUGH_CONTEXT_KEYS;
export type WalkthroughFacts = Record<WalkthroughStep, boolean>;

/** What happened once, as kept in globalState. */
type Remembered = Partial<Record<Exclude<WalkthroughStep, 'key'>, true>>;

export interface WalkthroughDeps {
  keys: Pick<KeyStore, 'get' | 'onDidChange'>;
  globalState: vscode.Memento;
  /** Fires when a question got its answer (AskPipeline.onDidAnswer). */
  onDidAnswer: vscode.Event<void>;
}

export class WalkthroughProgress extends Disposable {
  /** The values last given to setContext (all false until the first refresh). */
  private shown: WalkthroughFacts = { platform: false, key: false, bot: false, answered: false };
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WalkthroughDeps) {
    super();
    this.register(deps.keys.onDidChange(() => void this.refresh()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('askCoze')) void this.refresh();
      }),
    );
    this.register(deps.onDidAnswer(() => void this.remember('answered')));
    void this.refresh();
  }

  /** The steps as the walkthrough shows them now (what was last set as context keys). */
  get facts(): WalkthroughFacts {
    return { ...this.shown };
  }

  /** Resolves once the context keys say what is so now. */
  whenSettled(): Promise<void> {
    return this.refreshing;
  }

  /** Coze: Choose Platform was answered, or Select Bot picked a bot: the step stays done. */
  async remember(step: Exclude<WalkthroughStep, 'key'>): Promise<void> {
    const remembered = this.remembered();
    if (!remembered[step]) await this.deps.globalState.update(STATE_KEY, { ...remembered, [step]: true });
    await this.refresh();
  }

  /** Forgets what happened once (the in-host tests start from a new user's state). */
  async forget(): Promise<void> {
    await this.deps.globalState.update(STATE_KEY, undefined);
    await this.refresh();
  }

  /** Recomputes every step; refreshes run one after the other, so the last one says what is so. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(() => this.apply()).catch(() => undefined);
    return this.refreshing;
  }

  private async apply(): Promise<void> {
    const next = await this.read();
    if (this.isDisposed) return;
    for (const step of Object.keys(next) as WalkthroughStep[]) {
      if (next[step] === this.shown[step]) continue;
      await vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT_KEYS[step], next[step]);
    }
    this.shown = next;
  }

  private async read(): Promise<WalkthroughFacts> {
    const remembered = this.remembered();
    const config = vscode.workspace.getConfiguration('askCoze');
    const settings = readSettings();
    const bots = config.get<unknown>('bots');
    return {
      platform: !!remembered.platform || isSet(config, 'region'),
      key: !!settings.baseUrl && !!(await this.deps.keys.get(settings.baseUrl)),
      bot: !!remembered.bot || isSet(config, 'botId') || (Array.isArray(bots) && bots.length > 0),
      answered: !!remembered.answered,
    };
  }

  private remembered(): Remembered {
    const raw = this.deps.globalState.get<unknown>(STATE_KEY);
    if (typeof raw !== 'object' || raw === null) return {};
    const kept = raw as Record<string, unknown>;
    const remembered: Remembered = {};
    for (const step of ['platform', 'bot', 'answered'] as const) if (kept[step] === true) remembered[step] = true;
    return remembered;
  }
}

/** The user wrote the setting (at any level): a value they chose, even if it equals the default. */
function isSet(config: vscode.WorkspaceConfiguration, key: string): boolean {
  const inspected = config.inspect(key);
  return inspected?.globalValue !== undefined || inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
}
