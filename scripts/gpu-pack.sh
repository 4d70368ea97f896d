#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git) for scripts/gpu-check.sh on a GPU machine, which has PyTorch but
# no Node and no network: an xz copy of this machine's Node, the compiled dist/ and the production
# npm packages, and ../shared/bench (the PyTorch peer; ../shared does not travel).
# Then, with the device tool: run `bash scripts/gpu-check.sh $OUT` carrying [".gpu"].
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
rm -rf .gpu && mkdir -p .gpu/node/bin
cp "$(command -v node)" .gpu/node/bin/node
tar -C .gpu -cJf .gpu/node.tar.xz node && rm -rf .gpu/node
cp -r ../shared/bench .gpu/bench
# dist/ and the production npm packages (declarations and source maps left out), xz-compressed.
npm ls --omit=dev --all --parseable | tail -n +2 | sed "s#^$PWD/##" | grep -v 'node_modules/.*/node_modules' > .gpu/packages.txt
tar -cJf .gpu/js.tar.xz --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' dist -T .gpu/packages.txt
grep -q '^/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu
