// Builds the extension and its webviews side by side.
// - dist/extension.js: the VS Code side, loaded at activation. It must stay small: undici is not in it.
// - dist/coze.js: the Coze client with undici (~0.5 MB), required the first time a question is asked,
//   so that activation does not pay ~90 ms to compile it (docs/architecture.md).
// - dist/webview/*.js: browser bundles for the webviews (no Node, no vscode module), ES modules split into
//   dist/webview/chunks/: what a page needs at load in its entry (and the chunks it imports), highlight.js and
//   each of its grammars in chunks of their own, imported when a code block needs one (docs/architecture.md,
//   "Webview scripts load in pieces"). The page loads its entry as <script type="module" nonce>; the chunks it
//   imports inherit that nonce, so the CSP needs no other source (src/webviewHtml.ts).
// The list is exported (buildOptions) so that `npm run bench` measures exactly these builds.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where the webviews' chunks go, under the build folder (.vscodeignore ships them; bench/bundle.ts sizes them). */
export const WEBVIEW_CHUNKS = 'webview/chunks';

/** The esbuild options of every bundle; `outdir` and `absWorkingDir` let the bench build them elsewhere. */
export function buildOptions({ production = false, outdir = 'dist', absWorkingDir = undefined, logLevel = 'info' } = {}) {
  const common = {
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel,
    legalComments: 'none',
    outdir,
    ...(absWorkingDir ? { absWorkingDir } : {}),
  };
  const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };
  return [
    {
      ...node,
      entryPoints: { extension: 'src/extension.ts' },
      // './coze.js' is the separately built client bundle, loaded lazily by src/cozeLoader.ts.
      external: ['vscode', './coze.js'],
    },
    { ...node, entryPoints: { coze: 'src/coze/index.ts' }, external: ['vscode'] },
    {
      ...common,
      platform: 'browser',
      format: 'esm',
      splitting: true,
      chunkNames: `${WEBVIEW_CHUNKS}/[name]-[hash]`,
      target: 'chrome120',
      // Module scripts are always read as UTF-8: non-ASCII text (entities' decoding table) stays one character
      // instead of a \uXXXX escape.
      charset: 'utf8',
      // markdown-it needs only entities' decoder; its index also pulls in the encoder's 23 KB table.
      alias: { entities: 'entities/lib/decode.js' },
      entryPoints: { 'webview/answer': 'src/webview/answer/main.ts', 'webview/chat': 'src/webview/chat/main.ts' },
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const builds = buildOptions({ production: process.argv.includes('--production') });
  // Chunk names carry a content hash: drop the old ones, or the .vsix would ship every build's.
  fs.rmSync(`dist/${WEBVIEW_CHUNKS}`, { recursive: true, force: true });
  if (process.argv.includes('--watch')) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}
