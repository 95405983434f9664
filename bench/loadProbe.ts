// Run in a fresh Node process by bundle.ts: times require() of one bundle, optionally activate(), with 'vscode'
// mapped to a stub. Prints one JSON line. Usage: node loadProbe.js <bundle.js> [--activate]

import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

interface ModuleInternals {
  _resolveFilename(request: string, ...rest: unknown[]): string;
}

/**
 * A stand-in for the whole vscode API: every property is another stub, and a stub can be called or
 * constructed (returning a stub), so `vscode.window.createOutputChannel(...)`, `new vscode.EventEmitter()`
 * and `class X extends vscode.Disposable` all work without knowing which parts activation touches.
 */
function stub(): unknown {
  const props = new Map<PropertyKey, unknown>();
  const target = function vscodeStub(): void {};
  return new Proxy(target, {
    get(t, prop) {
      if (prop === 'then' || prop === Symbol.iterator || prop === Symbol.asyncIterator) return undefined; // not a promise / iterable
      if (prop === Symbol.toPrimitive) return () => '';
      if (prop === 'prototype') return t.prototype;
      if (!props.has(prop)) props.set(prop, stub());
      return props.get(prop);
    },
    set(_t, prop, value) {
      props.set(prop, value);
      return true;
    },
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/**
 * The names the vscode module exports, given by bundle.ts (read from @types/vscode there, so this process
 * allocates nothing big before the timed require). They must be own properties of a plain object: esbuild's
 * `__toESM(require('vscode'))` copies own property names.
 */
function vscodeExportNames(): string[] {
  const fromEnv = process.env.ASK_COZE_VSCODE_NAMES;
  if (fromEnv) return fromEnv.split(',');
  return ['window', 'workspace', 'commands', 'env', 'l10n', 'Uri', 'Disposable', 'EventEmitter', 'ExtensionMode', 'ViewColumn'];
}

/** Where the stubbed activation may write (the chat history folder); removed before the process exits. */
const PROBE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ask-coze-probe-'));

function installVscodeStub(): void {
  const id = path.join(__dirname, '__vscode_stub__.js');
  const m = new Module(id);
  m.filename = id;
  m.loaded = true;
  const exportsObj: Record<string, unknown> = {};
  for (const name of vscodeExportNames()) exportsObj[name] = stub();
  // Activation builds file paths from Uri.joinPath(...).fsPath (the chat history folder): those must be strings.
  (exportsObj.Uri as { joinPath: unknown }).joinPath = (base: { fsPath?: unknown } | undefined, ...segments: string[]) => {
    const fsPath = path.join(typeof base?.fsPath === 'string' ? base.fsPath : PROBE_DIR, ...segments);
    return { fsPath, path: fsPath, scheme: 'file', toString: () => `file://${fsPath}` };
  };
  m.exports = exportsObj;
  require.cache[id] = m;
  const internals = Module as unknown as ModuleInternals;
  const original = internals._resolveFilename;
  internals._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === 'vscode' ? id : original.call(this, request, ...rest);
  };
}

function main(): void {
  const target = path.resolve(process.argv[2] ?? '');
  const activate = process.argv.includes('--activate');
  installVscodeStub();
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(target) as { activate?: (ctx: unknown) => unknown };
  const requireMs = performance.now() - t0;
  const out: Record<string, unknown> = { requireMs };
  if (activate) {
    const subscriptions: Array<{ dispose?: () => void }> = [];
    const context = {
      subscriptions,
      secrets: stub(),
      globalState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
      workspaceState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
      extensionUri: stub(),
      extensionPath: path.dirname(target),
      extensionMode: 1, // Production
      storageUri: undefined,
      globalStorageUri: { fsPath: PROBE_DIR, path: PROBE_DIR, scheme: 'file' },
      logUri: stub(),
    };
    try {
      const t1 = performance.now();
      mod.activate?.(context);
      out.activateMs = performance.now() - t1;
    } catch (e) {
      out.activateError = e instanceof Error ? e.message.slice(0, 160) : String(e).slice(0, 160);
    }
    out.subscriptions = subscriptions.length;
  }
  // Did activation (or the require) pull the Coze client bundle in? It should only load on the first question.
  out.cozeLoaded = Object.keys(require.cache).some((k) => path.basename(k) === 'coze.js' && k !== target);
  out.undiciLoaded = Object.keys(require.cache).some((k) => k.includes(`${path.sep}undici${path.sep}`));
  process.stdout.write(`${JSON.stringify(out)}\n`);
  // Don't wait for whatever the stubbed activation scheduled.
  fs.rmSync(PROBE_DIR, { recursive: true, force: true });
  process.exit(0);
}

main();
