import type * as Coze from './coze';

// The client bundle (undici included) is ~0.5 MB and costs ~90 ms to compile, so activation does not load
// it: the first question does. esbuild builds it as dist/coze.js beside dist/extension.js and leaves this
// require alone (it is marked external in esbuild.mjs).
let loaded: typeof Coze | undefined;

export function loadCoze(): typeof Coze {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./coze.js') as typeof Coze;
  return loaded;
}
