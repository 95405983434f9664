import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

// The extension host calls run() when this folder is the extensionTestsPath (code-server via
// test/e2e/runHostSuite.ts, or desktop VS Code via test/electron/runElectron.ts).

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 60_000 });
  const grep = process.env.ASK_COZE_SUITE_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} in-host test(s) failed`)) : resolve()));
  });
}
