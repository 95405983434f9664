// Builds the extension and its webviews side by side.
// - dist/extension.js: the VS Code side, loaded at activation. It must stay small: undici is not in it.
// - dist/coze.js: the Coze client with undici (~0.5 MB), required the first time a question is asked,
//   so that activation does not pay ~90 ms to compile it (../shared/architecture.md).
// - dist/webview/*.js: browser bundles for the webviews (no Node, no vscode module).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
};

const builds = [
  {
    ...node,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    // './coze.js' is the separately built client bundle, loaded lazily by src/cozeLoader.ts.
    external: ['vscode', './coze.js'],
  },
  {
    ...node,
    entryPoints: { coze: 'src/coze/index.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    entryPoints: { 'webview/answer': 'src/webview/answer.ts', 'webview/chat': 'src/webview/chat.ts' },
    outdir: 'dist',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
