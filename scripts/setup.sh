#!/usr/bin/env bash
# kindling set-up for a fresh Debian 12 machine (idempotent: re-running only does what is missing).
#   bash scripts/setup.sh           build tools, libtorch (.venv with torch==2.13.0 when none is found),
#                                   npm packages, the native binding, the TypeScript build
#   bash scripts/setup.sh --peers   also the reference peers the tests compare against
#                                   (transformers, trl, math-verify, evalplus, tokenizers) and chromium
# Other platforms: install torch with pip yourself (CUDA or MPS build) into .venv or any python3 on
# PATH, or set LIBTORCH=/path/to/libtorch, then run this script; see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=0
for a in "$@"; do
  case "$a" in
    --peers) PEERS=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
say() { echo "setup: $*" >&2; }

# 1. System packages (Debian): a C++ compiler, make, Python's venv; chromium for report tests.
need=()
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "$PEERS" = 1 ]; then command -v chromium >/dev/null || need+=(chromium); fi
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${need[*]} with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    say "missing system packages: ${need[*]} — install them (sudo apt-get install ${need[*]}) and re-run"; exit 1
  fi
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || { say "Node.js >= 20 is required (found $(node --version))"; exit 1; }

# 2. libtorch: LIBTORCH, a python torch, or Debian's libtorch-dev; else create .venv with torch 2.13.0.
TORCH_PIN=$(grep -E '^torch==' scripts/constraints.txt)
have_torch() { node -e "import('./scripts/find-libtorch.mjs').then(m=>{m.findLibtorch()}).catch(()=>process.exit(1))" 2>/dev/null; }
if [ ! -x .venv/bin/python ] && { [ "$PEERS" = 1 ] || ! have_torch; }; then
  say "creating .venv"
  python3 -m venv .venv
fi
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import torch' 2>/dev/null; then
  say "installing $TORCH_PIN (CPU build) into .venv"
  .venv/bin/pip install -q --disable-pip-version-check "$TORCH_PIN"
fi

# 3. Reference peers for the tests (pinned torch stays: the constraints file forbids replacing it).
if [ "$PEERS" = 1 ]; then
  if ! .venv/bin/python -c 'import transformers, trl, math_verify, evalplus, tokenizers, safetensors, peft' 2>/dev/null; then
    say "installing the reference peers into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -c scripts/constraints.txt -r scripts/requirements-peers.txt
  fi
  v=$(.venv/bin/python -c 'import torch; print(torch.__version__.split("+")[0])')
  [ "torch==$v" = "$TORCH_PIN" ] || { say "torch in .venv is $v, expected $TORCH_PIN (a peer replaced it)"; exit 1; }
fi

# 4. npm packages (skipped when node_modules matches package-lock.json).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.kindling-lock 2>/dev/null)" != "$lock_hash" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
  echo "$lock_hash" > node_modules/.kindling-lock
fi

# 5. The native binding and the TypeScript build.
node scripts/build-native.mjs --if-missing
say "compiling TypeScript"
node node_modules/typescript/bin/tsc -p tsconfig.json
say "done — try: node bin/kindling.js doctor"
