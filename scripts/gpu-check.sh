#!/usr/bin/env bash
# On a GPU machine (PyTorch 2.x with CUDA in python3, no Node, no network), after scripts/gpu-pack.sh
# here: unpacks Node, builds the binding against the machine's torch, runs the CUDA tests and the
# benchmarks against the plain PyTorch peer on the same card, and writes JSON results to OUTDIR.
#   bash scripts/gpu-check.sh OUTDIR
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: gpu-check.sh OUTDIR}
mkdir -p "$OUT"
export OMP_WAIT_POLICY=PASSIVE
if ! command -v node >/dev/null; then mkdir -p /tmp/kn && tar -C /tmp/kn -xJf .gpu/node.tar.xz && export PATH=/tmp/kn/node/bin:$PATH; fi
[ -d node_modules ] || ln -s .gpu/node_modules node_modules
[ -d dist ] || ln -s .gpu/dist dist
node scripts/build-native.mjs > "$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
node bin/kindling.js doctor --json > "$OUT/doctor.json"; cat "$OUT/doctor.json"
node --test --test-reporter=spec dist/test/gpu/ dist/test/torch/ 2>&1 | tee "$OUT/tests.log" | tail -15
S=../shared/bench
[ -d "$S" ] || S=shared/bench
PEER="python3 $S/torch_peer.py"
{
  node bin/kindling.js bench matmul --size 8192 --dtype bfloat16 --device cuda --seconds 3 --json
  for c in qwen2.5-0.5b qwen2.5-1.5b; do
    for r in 1 2; do
      node bin/kindling.js bench train --config $S/configs/$c.json --batch 8 --seq 512 --steps 5 --device cuda --dtype bfloat16 --json
      $PEER train --config $S/configs/$c.json --batch 8 --seq 512 --steps 5 --device cuda --dtype bfloat16
      node bin/kindling.js bench generate --config $S/configs/$c.json --batch 16 --n 10 --prompt-len 128 --new-tokens 128 --reps 1 --device cuda --dtype bfloat16 --json
      $PEER generate --config $S/configs/$c.json --batch 160 --prompt-len 128 --new-tokens 128 --reps 1 --device cuda --dtype bfloat16
    done
  done
} 2>>"$OUT/bench.err" | tee "$OUT/bench.jsonl"
