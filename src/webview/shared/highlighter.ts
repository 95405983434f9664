import type { HLJSApi } from 'highlight.js';
import { languageOf, languagesNeeded, loadGrammar } from './hljsLanguages';

// highlight.js, loaded in pieces: its core on the first code block that names a known language, and each
// grammar when a block needs it (docs/architecture.md, "Webview scripts load in pieces"). Rendering stays
// synchronous: a block whose language is here is highlighted as it is rendered, exactly as when every grammar
// was bundled; one whose language is still on its way is rendered plain and coloured when it arrives
// (lateHighlight.ts). Pure (no DOM): the unit tests run it in Node, where import() is a require().

/** What a block named `fenceName` gets now: colours, plain text until its grammar arrives, or plain text for good. */
export type HighlightState = 'ready' | 'loading' | 'none';

/** One highlight.js instance and the grammars it has (the views share one; tests make their own). */
export class Highlighter {
  private core: Promise<HLJSApi> | undefined;
  private hljs: HLJSApi | undefined;
  /** Languages registered together with every language they embed. */
  private readonly ready = new Set<string>();
  /** Loads under way or done (true: highlightable; false: a chunk failed, so its blocks stay plain). */
  private readonly loads = new Map<string, Promise<boolean>>();
  private readonly failed = new Set<string>();

  constructor(private readonly loadCore: () => Promise<HLJSApi>) {}

  /** The state of a fence's language; asking starts its load, so a block that needs it gets it as soon as it can. */
  state(fenceName: string): HighlightState {
    const language = fenceName ? languageOf(fenceName) : undefined;
    if (!language || this.failed.has(language)) return 'none';
    if (this.ready.has(language)) return 'ready';
    void this.load(fenceName);
    return 'loading';
  }

  /** highlight.js, when the language of `fenceName` (and all it embeds) is registered; else undefined. */
  readyFor(fenceName: string): HLJSApi | undefined {
    const language = fenceName ? languageOf(fenceName) : undefined;
    return language && this.ready.has(language) ? this.hljs : undefined;
  }

  /** Loads the grammar a fence names (and those it embeds): true once blocks in it can be highlighted. */
  load(fenceName: string): Promise<boolean> {
    const language = languageOf(fenceName);
    if (!language) return Promise.resolve(false);
    let load = this.loads.get(language);
    if (!load) {
      load = this.register(language);
      this.loads.set(language, load);
    }
    return load;
  }

  private async register(language: string): Promise<boolean> {
    try {
      const needed = languagesNeeded(language);
      this.core ??= this.loadCore();
      const [api, ...grammars] = await Promise.all([this.core, ...needed.map((name) => loadGrammar(name))]);
      needed.forEach((name, i) => {
        if (!api.getLanguage(name)) api.registerLanguage(name, grammars[i]!);
      });
      this.hljs = api;
      this.ready.add(language);
      return true;
    } catch (e) {
      this.failed.add(language);
      // A chunk that cannot load leaves its blocks plain, as a language highlight.js does not know; say why once.
      console.warn(`Code highlighting for ${language} is unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }
}

const shared = new Highlighter(() => import('highlight.js/lib/core').then((m) => m.default));

/** The views' highlighter: see Highlighter.state. */
export function highlightState(fenceName: string): HighlightState {
  return shared.state(fenceName);
}

/** The views' highlighter: see Highlighter.readyFor. */
export function readyHighlighter(fenceName: string): HLJSApi | undefined {
  return shared.readyFor(fenceName);
}

/** The views' highlighter: see Highlighter.load. */
export function loadLanguage(fenceName: string): Promise<boolean> {
  return shared.load(fenceName);
}
