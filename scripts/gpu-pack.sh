#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git) for scripts/gpu-check.sh on a GPU machine, which has PyTorch but
# no Node and no network: an xz copy of this machine's Node, the compiled dist/, and the runtime npm
# packages. Then, with the device tool: run `bash scripts/gpu-check.sh $OUT` carrying [".gpu"].
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
rm -rf .gpu && mkdir -p .gpu/node/bin
cp "$(command -v node)" .gpu/node/bin/node
tar -C .gpu -cJf .gpu/node.tar.xz node && rm -rf .gpu/node
cp -r dist .gpu/dist
mkdir -p .gpu/node_modules
for p in commander zod yaml @huggingface/tokenizers @huggingface/jinja hyparquet node-addon-api node-api-headers; do
  mkdir -p ".gpu/node_modules/$(dirname "$p")"; cp -r "node_modules/$p" ".gpu/node_modules/$p"
done
grep -q '^/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu
