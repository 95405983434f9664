// Section 4: what the extension ships and what activation pays. Sizes of the esbuild outputs, and require() /
// activate() times measured in fresh Node processes (loadProbe.js), so each load compiles from scratch.
//
// Two builds are measured: dist/ as `npm run build` left it (not minified, linked source maps), and a minified
// copy built here into a temporary folder with the options `node esbuild.mjs --production` uses (minify, no
// source maps), because that is what the .vsix ships. The build list is esbuild.mjs's own (buildOptions), so a
// new bundle there is measured here without repeating it.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions } from 'esbuild';
import { languagesNeeded } from '../src/webview/shared/hljsLanguages';
import { median, min } from './table';

/** esbuild.mjs's WEBVIEW_CHUNKS: where the webviews' chunks go under the build folder. */
const WEBVIEW_CHUNKS = 'webview/chunks';

export interface BundleFile {
  /** Path relative to the build folder, e.g. extension.js, webview/answer.js. */
  file: string;
  bytes: number;
}

export interface LoadTimes {
  file: string;
  requireMs: number[];
  activateMs: number[];
  activateError?: string;
  cozeLoaded?: boolean;
  undiciLoaded?: boolean;
  error?: string;
}

export interface BuildResult {
  label: 'dist (npm run build)' | 'minified (--production options)';
  files: BundleFile[];
  loads: LoadTimes[];
  /** What each webview page loads before it runs: its entry and the chunks it imports statically. */
  webviewLoads?: WebviewLoad[];
  /** Every file in webview/chunks (highlight.js core and grammars load from here on demand). */
  chunks?: { count: number; bytes: number };
  /** What the first TypeScript code block fetches: highlight.js core and the grammars it needs. */
  firstTypeScriptBlock?: { files: string[]; bytes: number };
  /** What the first Markdown to show fetches: the Markdown engine chunk and what it imports beyond a page's load. */
  markdownEngine?: { files: string[]; bytes: number };
  error?: string;
}

export interface WebviewLoad {
  entry: string;
  /** The entry and its static imports, transitively (paths relative to the build folder). */
  files: string[];
  bytes: number;
}

export interface BundleSectionResult {
  builds: BuildResult[];
  vsix?: BundleFile;
}

export async function runBundleSection(root: string, opts: { processes: number }): Promise<BundleSectionResult> {
  const dist = path.join(root, 'dist');
  const builds: BuildResult[] = [];
  builds.push(await measureBuild('dist (npm run build)', dist, opts.processes));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-bench-'));
  try {
    await buildMinified(root, tmp);
    builds.push(await measureBuild('minified (--production options)', tmp, opts.processes));
  } catch (e) {
    builds.push({ label: 'minified (--production options)', files: [], loads: [], error: e instanceof Error ? e.message.slice(0, 300) : String(e) });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const result: BundleSectionResult = { builds };
  const vsixPath = path.join(root, 'ask-coze-0.1.0.vsix');
  if (fs.existsSync(vsixPath)) result.vsix = { file: 'ask-coze-0.1.0.vsix', bytes: fs.statSync(vsixPath).size };
  return result;
}

function listJs(dir: string): BundleFile[] {
  const files: BundleFile[] = [];
  for (const f of ['extension.js', 'coze.js']) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) files.push({ file: f, bytes: fs.statSync(p).size });
  }
  const webviewDir = path.join(dir, 'webview');
  if (fs.existsSync(webviewDir)) {
    for (const f of fs.readdirSync(webviewDir).filter((n) => n.endsWith('.js')).sort()) {
      files.push({ file: `webview/${f}`, bytes: fs.statSync(path.join(webviewDir, f)).size });
    }
  }
  return files;
}

/** The builds of esbuild.mjs with its --production options (minified, no source maps), into `outdir`. */
async function buildMinified(root: string, outdir: string): Promise<void> {
  const esbuild = await import('esbuild');
  // esbuild.mjs is an ES module; TypeScript's CommonJS output would turn import() into require().
  const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<EsbuildScript>;
  const { buildOptions } = await importModule(pathToFileURL(path.join(root, 'esbuild.mjs')).href);
  await Promise.all(buildOptions({ production: true, outdir, absWorkingDir: root, logLevel: 'silent' }).map((options) => esbuild.build(options)));
}

interface EsbuildScript {
  buildOptions(opts: { production: boolean; outdir: string; absWorkingDir: string; logLevel: string }): BuildOptions[];
}

async function measureBuild(label: BuildResult['label'], dir: string, processes: number): Promise<BuildResult> {
  const probe = path.join(__dirname, 'loadProbe.js');
  const loads: LoadTimes[] = [];
  for (const [file, activate] of [
    ['extension.js', true],
    ['coze.js', false],
  ] as const) {
    const target = path.join(dir, file);
    const lt: LoadTimes = { file, requireMs: [], activateMs: [] };
    loads.push(lt);
    if (!fs.existsSync(target)) {
      lt.error = 'not built';
      continue;
    }
    // One extra process first: the OS file cache, not Node, should be warm for the measured ones.
    for (let i = -1; i < processes; i++) {
      let out: Record<string, unknown>;
      try {
        out = await runProbe(probe, target, activate);
      } catch (e) {
        lt.error = e instanceof Error ? e.message.slice(0, 200) : String(e);
        break;
      }
      if (i < 0) continue;
      if (typeof out.requireMs === 'number') lt.requireMs.push(out.requireMs);
      if (typeof out.activateMs === 'number') lt.activateMs.push(out.activateMs);
      if (typeof out.activateError === 'string') lt.activateError = out.activateError;
      if (typeof out.cozeLoaded === 'boolean') lt.cozeLoaded = (lt.cozeLoaded ?? false) || out.cozeLoaded;
      if (typeof out.undiciLoaded === 'boolean') lt.undiciLoaded = (lt.undiciLoaded ?? false) || out.undiciLoaded;
    }
  }
  return { label, files: listJs(dir), loads, ...webviewLoading(dir) };
}

/**
 * The webview pages' loading, from the files themselves: an entry (webview/*.js, an ES module) and the chunks it
 * imports statically are what the page fetches and compiles before it runs; the other chunks (highlight.js and
 * its grammars) come through import() when a code block needs them (docs/architecture.md).
 */
function webviewLoading(dir: string): Pick<BuildResult, 'webviewLoads' | 'chunks' | 'firstTypeScriptBlock' | 'markdownEngine'> {
  const webviewDir = path.join(dir, 'webview');
  if (!fs.existsSync(webviewDir)) return {};
  const size = (file: string) => fs.statSync(path.join(dir, file)).size;
  const webviewLoads: WebviewLoad[] = fs
    .readdirSync(webviewDir)
    .filter((n) => n.endsWith('.js'))
    .sort()
    .map((n) => {
      const files = staticClosure(dir, `webview/${n}`);
      return { entry: `webview/${n}`, files, bytes: files.reduce((sum, f) => sum + size(f), 0) };
    });
  const chunkDir = path.join(dir, WEBVIEW_CHUNKS);
  const chunkFiles = fs.existsSync(chunkDir) ? fs.readdirSync(chunkDir).filter((n) => n.endsWith('.js')) : [];
  const chunks = { count: chunkFiles.length, bytes: chunkFiles.reduce((sum, n) => sum + size(`${WEBVIEW_CHUNKS}/${n}`), 0) };
  // Chunks are named <module>-<hash>.js: highlight.js's core is core-…, a grammar is <language>-….
  const named = (name: string) => chunkFiles.find((n) => n.startsWith(`${name}-`) && /^[A-Z0-9]+\.js$/.test(n.slice(name.length + 1)));
  const wanted = ['core', ...languagesNeeded('typescript')].map(named);
  const firstTypeScriptBlock = wanted.every(Boolean)
    ? { files: wanted as string[], bytes: (wanted as string[]).reduce((sum, n) => sum + size(`${WEBVIEW_CHUNKS}/${n}`), 0) }
    : undefined;
  // The Markdown engine (markdownEngine-….js) is imported when a page first has Markdown to show; what it brings is
  // its own chunk and the chunks it imports that the chat page has not loaded already.
  const engineChunk = named('markdownEngine');
  const atLoad = new Set(webviewLoads.find((l) => l.entry === 'webview/chat.js')?.files ?? []);
  const engineFiles = engineChunk ? staticClosure(dir, `${WEBVIEW_CHUNKS}/${engineChunk}`).filter((f) => !atLoad.has(f)) : [];
  const markdownEngine = engineChunk ? { files: engineFiles, bytes: engineFiles.reduce((sum, f) => sum + size(f), 0) } : undefined;
  return { webviewLoads, chunks, ...(firstTypeScriptBlock ? { firstTypeScriptBlock } : {}), ...(markdownEngine ? { markdownEngine } : {}) };
}

/** `entry` and every file it imports statically, transitively. */
function staticClosure(dir: string, entry: string): string[] {
  const out: string[] = [];
  const visit = (file: string) => {
    if (out.includes(file) || !fs.existsSync(path.join(dir, file))) return;
    out.push(file);
    for (const spec of staticImports(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      visit(path.posix.join(path.posix.dirname(file), spec));
    }
  };
  visit(entry);
  return out;
}

/** The specifiers of the import statements esbuild puts at the top of an ES module (import() calls are not among them). */
export function staticImports(code: string): string[] {
  const statement = /\s*import\s*(?:[\w$*{}\s,]*?\s*from\s*)?["']([^"']+)["'];?/y;
  const specs: string[] = [];
  for (let m = statement.exec(code); m; m = statement.exec(code)) specs.push(m[1]!);
  return specs;
}

/** Top-level exports of the vscode module (namespaces, classes, enums...), from @types/vscode. */
function vscodeExportNames(): string {
  try {
    const dts = fs.readFileSync(require.resolve('@types/vscode/index.d.ts'), 'utf8');
    const names = new Set<string>();
    for (const m of dts.matchAll(/^\texport (?:namespace|class|enum|const|let|var|function) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!);
    return [...names].join(',');
  } catch {
    return ''; // the probe falls back to a short list
  }
}

let names: string | undefined;

function runProbe(probe: string, target: string, activate: boolean): Promise<Record<string, unknown>> {
  const args = [probe, target, ...(activate ? ['--activate'] : [])];
  names ??= vscodeExportNames();
  const env = { ...process.env, ASK_COZE_VSCODE_NAMES: names };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 20_000, env }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message.split('\n')[0]} ${stderr.slice(0, 200)}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`load probe printed no JSON: ${stdout.slice(0, 200)} ${stderr.slice(0, 200)}`));
      }
    });
  });
}

export function loadSummary(lt: LoadTimes): { requireMs?: { median: number; min: number }; activateMs?: { median: number; min: number } } {
  const r = (xs: number[]) => (xs.length ? { median: Math.round(median(xs) * 10) / 10, min: Math.round(min(xs) * 10) / 10 } : undefined);
  const out: { requireMs?: { median: number; min: number }; activateMs?: { median: number; min: number } } = {};
  const req = r(lt.requireMs);
  const act = r(lt.activateMs);
  if (req) out.requireMs = req;
  if (act) out.activateMs = act;
  return out;
}
