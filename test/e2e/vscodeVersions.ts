// The VS Code versions the in-host suite and the UI tests run on, pinned in one place:
// scripts/vscode-versions.json (read by scripts/install-code-server.sh too). ASK_COZE_VSCODE picks one by name
// for a single runner ("oldest", "newest"); `npm run test:vscode` runs them all, one after the other.
import * as fs from 'fs';
import * as path from 'path';

export interface VsCodeTarget {
  /** The key in vscode-versions.json: oldest, newest. */
  name: string;
  label: string;
  vscode: string;
  codeServer: string;
  /** The Node major (or exact version) this code-server runs on. */
  node: string;
}

function versionsFile(): string {
  // Compiled to out/test/e2e; the JSON stays in scripts/ beside the install script.
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'scripts', 'vscode-versions.json');
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`scripts/vscode-versions.json not found above ${__dirname}`);
}

export function vscodeTargets(): VsCodeTarget[] {
  const entries = JSON.parse(fs.readFileSync(versionsFile(), 'utf8')) as Record<string, Omit<VsCodeTarget, 'name'>>;
  return Object.entries(entries).map(([name, entry]) => ({ name, ...entry }));
}

/** The target named by ASK_COZE_VSCODE (default: oldest). */
export function currentTarget(): VsCodeTarget {
  const name = process.env.ASK_COZE_VSCODE ?? 'oldest';
  const target = vscodeTargets().find((t) => t.name === name);
  if (!target) {
    throw new Error(`ASK_COZE_VSCODE=${name} is not in scripts/vscode-versions.json (${vscodeTargets().map((t) => t.name).join(', ')})`);
  }
  return target;
}

/** "VS Code 1.139.1 (code-server 4.139.1)", for headers and failure lines. */
export function describeTarget(target: VsCodeTarget): string {
  return `VS Code ${target.vscode} (code-server ${target.codeServer})`;
}
