// Builds the extension and its webviews side by side.
// - dist/extension.js: the VS Code side, loaded at activation. It must stay small: undici is not in it.
// - dist/coze.js: the Coze client with undici (~0.5 MB), required the first time a question is asked,
//   so that activation does not pay ~90 ms to compile it (docs/architecture.md).
// - dist/webview/*.js: browser bundles for the webviews (no Node, no vscode module).
// The list is exported (buildOptions) so that `npm run bench` measures exactly these builds.
import * as esbuild from 'esbuild';
import { pathToFileURL } from 'node:url';

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
      format: 'iife',
      target: 'chrome120',
      entryPoints: { 'webview/answer': 'src/webview/answer/main.ts', 'webview/chat': 'src/webview/chat/main.ts' },
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const builds = buildOptions({ production: process.argv.includes('--production') });
  if (process.argv.includes('--watch')) {
    const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(contexts.map((c) => c.watch()));
  } else {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  }
}
