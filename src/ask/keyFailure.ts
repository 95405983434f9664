import type { FixAction } from './fixActionList';

// A failure only another key can fix, the same rule on every surface (the chat's turns, the answer panel):
// there is no key, or Coze rejected it (4100, 4101, Studio's 700012006). Every such failure offers Set API Key
// (src/ask/errorMessages.ts, readiness.ts), and asking again with the same key cannot help: the surface offers
// no Retry there and asks again, once, when a key has been set. Pure, so that the unit tests check it.

export function needsNewKey(actions: readonly FixAction[] | undefined): boolean {
  return !!actions?.includes('setKey');
}
