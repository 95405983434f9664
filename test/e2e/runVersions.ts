// `npm run test:vscode`: the in-host suite, then the UI tests, on every VS Code version in
// scripts/vscode-versions.json (oldest supported and newest), one after the other: two browsers at once are too
// much for a 2-core machine. Each runner is its own process with ASK_COZE_VSCODE set, so that a crash on one
// version cannot hide the other's result. Prints each part's time ("timing: …" lines, which .ci/run repeats
// in its summary) and, at the end, which version each failure happened on.
// ASK_COZE_VSCODE=newest (or a comma-separated list) runs only those.
import { spawn } from 'child_process';
import * as path from 'path';
import { type VsCodeTarget, describeTarget, vscodeTargets } from './vscodeVersions';

const RUNNERS = [
  { name: 'in-host suite', script: path.join(__dirname, 'runHostSuite.js') },
  { name: 'UI tests', script: path.join(__dirname, 'runUiTests.js') },
];

function selectedTargets(): VsCodeTarget[] {
  const all = vscodeTargets();
  const wanted = process.env.ASK_COZE_VSCODE?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return all;
  const unknown = wanted.filter((name) => !all.some((t) => t.name === name));
  if (unknown.length) throw new Error(`ASK_COZE_VSCODE names no known version: ${unknown.join(', ')}`);
  return all.filter((t) => wanted.includes(t.name));
}

function run(script: string, target: VsCodeTarget): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], {
      stdio: 'inherit',
      env: { ...process.env, ASK_COZE_VSCODE: target.name },
    });
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const results: Array<{ what: string; seconds: number; code: number }> = [];
  for (const target of selectedTargets()) {
    const started = Date.now();
    for (const runner of RUNNERS) {
      console.log(`\n==== ${runner.name} on ${describeTarget(target)} ====`);
      const t0 = Date.now();
      const code = await run(runner.script, target);
      const seconds = Math.round((Date.now() - t0) / 1000);
      results.push({ what: `${runner.name} on ${describeTarget(target)}`, seconds, code });
      console.log(`timing: ${runner.name} on ${describeTarget(target)}: ${seconds} s${code === 0 ? '' : ' (FAILED)'}`);
    }
    console.log(`timing: ${describeTarget(target)} in all: ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const failed = results.filter((r) => r.code !== 0);
  console.log('');
  for (const r of results) console.log(`${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.what} (${r.seconds} s)`);
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
