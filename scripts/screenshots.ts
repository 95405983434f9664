// `npm run screenshots`: refreshes the README's pictures in docs/screenshots on purpose. Test runs never write
// there (they keep their screenshots in test-results/screenshots/<version>/); this runs only the UI tests
// that take the README's pictures, on one VS Code version (ASK_COZE_VSCODE, default newest: what most users
// see), and copies those pictures into docs/.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../test/e2e/codeServer';
import { currentTarget, describeTarget } from '../test/e2e/vscodeVersions';

const DOCS = path.join(REPO_ROOT, 'docs', 'screenshots');
/** The pictures README.md shows, by the names the UI tests save them under. */
const README_PICTURES = [
  'chat-dark-en',
  'chat-light-en',
  'chat-dark-zh',
  'chat-light-zh',
  'select-bot-dark',
  'select-bot-light',
  'chat-thinking-dark',
  'chat-thinking-light',
  'chat-attachment-light',
  'quick-fix',
  'apply-diff',
  'history-search',
  'walkthrough',
];

function main(): number {
  process.env.ASK_COZE_VSCODE ??= 'newest';
  const target = currentTarget();
  console.log(`Taking the README's screenshots on ${describeTarget(target)}`);
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'test', 'e2e', 'runUiTests.js')], {
    stdio: 'inherit',
    env: { ...process.env, ASK_COZE_VSCODE: target.name, ASK_COZE_UI_GREP: 'screenshots|theme\\)|lightbulb|diff editor|search box|Get started' },
  });
  if (result.status !== 0) {
    console.error('The screenshot tests failed; docs/screenshots is unchanged.');
    return 1;
  }
  const taken = path.join(REPO_ROOT, 'test-results', 'screenshots', target.name);
  const missing = README_PICTURES.filter((name) => !fs.existsSync(path.join(taken, `${name}.png`)));
  if (missing.length) {
    console.error(`Not taken: ${missing.join(', ')} (in ${taken}); docs/screenshots is unchanged.`);
    return 1;
  }
  fs.mkdirSync(DOCS, { recursive: true });
  for (const name of README_PICTURES) fs.copyFileSync(path.join(taken, `${name}.png`), path.join(DOCS, `${name}.png`));
  console.log(`Updated ${README_PICTURES.length} pictures in ${path.relative(REPO_ROOT, DOCS)}/`);
  return 0;
}

process.exit(main());
