// Loads the Markdown engine (markdownEngine.ts) once per page, on the first demand: a view with text to show, or a
// page that knows an answer is coming (the answer panel, a chat with a question on its way). Until it is here,
// streamingMarkdown.ts shows the text as plain text, so nothing waits on it (docs/architecture.md).

import type * as MarkdownEngineModule from './markdownEngine';

export type MarkdownEngine = typeof MarkdownEngineModule;

let engine: MarkdownEngine | undefined;
let loading: Promise<MarkdownEngine> | undefined;
let failed = false;
const waiting: Array<(engine: MarkdownEngine) => void> = [];

/** The engine when it has loaded, for the synchronous path every render takes afterwards. */
export function loadedMarkdown(): MarkdownEngine | undefined {
  return engine;
}

/**
 * Starts loading the engine (once); resolves when it is here. A failed load is final: the browser keeps a module
 * that failed to load as failed, so a second import() would fail the same way. The text then stays plain.
 */
export function loadMarkdown(): Promise<MarkdownEngine> {
  loading ??= import('./markdownEngine').then(
    (loaded) => {
      engine = loaded;
      for (const callback of waiting.splice(0)) callback(loaded);
      return loaded;
    },
    (error: unknown) => {
      failed = true;
      waiting.length = 0;
      console.error('Ask Coze: the Markdown renderer did not load; text is shown as it came', error);
      throw error;
    },
  );
  return loading;
}

/** Runs `callback` with the engine: now if it has loaded, else once it has (and starts loading it). */
export function whenMarkdownLoaded(callback: (engine: MarkdownEngine) => void): void {
  if (engine) {
    callback(engine);
    return;
  }
  if (failed) return;
  waiting.push(callback);
  prefetchMarkdown();
}

/** Warms the engine up ahead of need (an answer is on its way); never throws. */
export function prefetchMarkdown(): void {
  if (!engine) loadMarkdown().catch(() => undefined);
}
