// Runs the browser UI tests (out/test/e2e/ui/*.test.js) with mocha. Each test file starts its own code-server,
// Chromium and fake Coze server (see ui/session.ts), so files stay independent of each other.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { currentTarget, describeTarget } from './vscodeVersions';

const UI_DIR = path.join(__dirname, 'ui');

function testFiles(): string[] {
  const only = process.env.ASK_COZE_UI_GREP_FILE; // e.g. askCoze, to run one file while working on it
  return fs
    .readdirSync(UI_DIR)
    .filter((name) => name.endsWith('.test.js') && (!only || name.includes(only)))
    .sort()
    .map((name) => path.join(UI_DIR, name));
}

async function main(): Promise<number> {
  const started = Date.now();
  // Generous timeouts: code-server plus the extension host take ~15 s to come up, and a Coze answer streams
  // for seconds. Each wait inside a test has its own, shorter, timeout with a message saying what it awaited.
  const mocha = new Mocha({ reporter: 'spec', timeout: 240_000, slow: 30_000, color: !process.env.CI });
  if (process.env.ASK_COZE_UI_GREP) mocha.grep(process.env.ASK_COZE_UI_GREP);
  const files = testFiles();
  if (files.length === 0) throw new Error(`No *.test.js in ${UI_DIR}: run \`npm run compile\` first`);
  files.forEach((file) => mocha.addFile(file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  console.log(`UI tests on ${describeTarget(currentTarget())}: ${failures} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
