// Runs the in-host suite (out/test/suite) in desktop VS Code through @vscode/test-electron, for machines that can
// download VS Code (a developer's desktop, GitHub-hosted CI). The same suite runs in code-server through
// test/e2e/runHostSuite.ts where that download is impossible (docs/testing.md): runTests() always
// fetches VS Code from update.code.visualstudio.com, so this script checks that first and stops with a clear
// message instead of a stack trace.
// Here the extension is loaded from the source folder (--extensionDevelopmentPath, dist/ from `npm run build`),
// not from the .vsix: that is test-electron's model, and the code-server runner covers the package.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as path from 'path';
import { FakeCozeServer } from '../fake-coze/server';
import { REPO_ROOT, createWorkDirs } from '../e2e/codeServer';

const TEST_TOKEN = 'pat_test_token';
// The same VS Code as code-server 4.100.3, the oldest our engines.vscode accepts. VSCODE_TEST_VERSION=stable
// (or insiders, or another version) tests a newer one.
const VERSION = process.env.VSCODE_TEST_VERSION ?? '1.100.3';

async function vscodeExecutable(): Promise<string> {
  const local = process.env.VSCODE_TEST_EXECUTABLE; // an already installed VS Code: no download at all
  if (local) return local;
  try {
    // timeout is an idle timeout on the connection: a blocked network fails in seconds, not minutes.
    return await downloadAndUnzipVSCode({ version: VERSION, timeout: 15_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Could not download VS Code ${VERSION} (${reason}).\n` +
        'test-electron needs https://update.code.visualstudio.com. Without it, run the same suite in code-server ' +
        'with `npm run test:host`, or point VSCODE_TEST_EXECUTABLE at an installed VS Code.',
    );
  }
}

async function main(): Promise<number> {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('No DISPLAY: desktop VS Code needs one on Linux; run this under `xvfb-run -a`.');
  }
  const executable = await vscodeExecutable();
  const fake = await FakeCozeServer.start({ tokens: [TEST_TOKEN] });
  try {
    // Our own profile folders (with the quiet settings and the sample workspace the other runners use)
    // instead of test-electron's shared .vscode-test/user-data, so runs do not see each other's state.
    const dirs = createWorkDirs('electron', {});
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: path.join(REPO_ROOT, 'out', 'test', 'suite', 'index'),
      extensionTestsEnv: { ASK_COZE_FAKE_URL: fake.url, ASK_COZE_TEST_TOKEN: TEST_TOKEN },
      launchArgs: [
        dirs.workspace,
        `--user-data-dir=${dirs.userData}`,
        `--extensions-dir=${dirs.extensions}`,
        '--disable-telemetry',
      ],
    });
  } finally {
    await fake.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
