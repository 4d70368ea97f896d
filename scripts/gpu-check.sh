#!/usr/bin/env bash
# On a GPU machine (PyTorch 2.x with CUDA in python3, no Node, no network), after scripts/gpu-pack.sh
# here: unpacks Node, builds the binding against the machine's torch, runs the CUDA tests and the
# benchmarks against the plain PyTorch peer on the same card, and writes results to OUTDIR:
#   build.log, doctor.json, tests.log, bench.jsonl (one JSON object per line, tagged), bench.err.
#   bash scripts/gpu-check.sh OUTDIR [--quick]
# Every step has its own time limit so one hang cannot cost the whole lease; results are written
# as they come. --quick: the small configs only (a smoke run of the script itself, also on a CPU).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: gpu-check.sh OUTDIR [--quick]}
QUICK=${2:-}
mkdir -p "$OUT"
export OMP_WAIT_POLICY=PASSIVE PYTHONUNBUFFERED=1
T0=$(date +%s)
log() { echo "[gpu-check +$(($(date +%s) - T0))s] $*"; }
if ! command -v node >/dev/null; then mkdir -p /tmp/kn && tar -C /tmp/kn -xJf .gpu/node.tar.xz && export PATH=/tmp/kn/node/bin:$PATH; fi
[ -e dist ] || tar -xJf .gpu/js.tar.xz
S=.gpu/bench; [ -d "$S" ] || S=../shared/bench
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader > "$OUT/gpu.txt" 2>&1; cat "$OUT/gpu.txt"
log "building the binding"
timeout 300 node scripts/build-native.mjs > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
tail -2 "$OUT/build.log"
node bin/kindling.js doctor --json > "$OUT/doctor.json" 2>&1; head -c 1500 "$OUT/doctor.json"; echo
DEV=cuda; DT=bfloat16; [ "$(node -e "import('./dist/src/torch/index.js').then(t=>console.log(t.cuda.isAvailable()))")" = true ] || { DEV=cpu; DT=float32; }
# Say it loudly (and in OUTDIR) when CUDA is not there: every number below is then a CPU number.
if [ "$DEV" = cpu ]; then
  echo "!!!!! gpu-check: CUDA NOT AVAILABLE — running on the CPU; these are NOT GPU results !!!!!" | tee "$OUT/RAN-ON-CPU.txt" >&2
fi
log "CUDA tests (device $DEV)"
timeout 180 node --test --expose-gc --test-reporter=spec dist/test/gpu/ > "$OUT/tests.log" 2>&1; log "cuda tests rc=$?"; grep -E "^# (tests|pass|fail)|✖|not ok" "$OUT/tests.log" | head -20
# tag: run one benchmark with a limit and append its JSON line with a label
B="$OUT/bench.jsonl"
bench() { local tag=$1; shift; local line; line=$(timeout 150 "$@" 2>>"$OUT/bench.err" | grep '^{' | tail -1); log "$tag: ${line:0:400}"; [ -n "$line" ] && echo "{\"tag\":\"$tag\",\"r\":$line}" >> "$B"; }
K="node bin/kindling.js bench"; P="python3 $S/torch_peer.py"
if [ "$DEV" = cuda ]; then
  bench peak-kindling $K matmul --size 8192 --dtype bfloat16 --device cuda --seconds 3 --json
  bench peak-torch python3 -c "
import torch,time,json
a=torch.randn(8192,8192,device='cuda',dtype=torch.bfloat16);b=torch.randn_like(a)
for _ in range(3): a@b
torch.cuda.synchronize();t=time.perf_counter();n=20
for _ in range(n): a@b
torch.cuda.synchronize();dt=time.perf_counter()-t
print(json.dumps({'engine':'torch '+torch.__version__,'tflops':2*8192**3*n/dt/1e12,'device':torch.cuda.get_device_name()}))"
fi
CONFIGS="qwen2.5-0.5b qwen2.5-1.5b"; TB=8; TS=1024; GB=16; GN=10; GP=128; GT=128
[ "$QUICK" = --quick ] && { CONFIGS=s; TB=2; TS=32; GB=2; GN=2; GP=8; GT=8; }
[ "$DEV" = cpu ] && [ "$QUICK" != --quick ] && { echo "no CUDA: use --quick"; exit 1; }
for c in $CONFIGS; do
  C=$S/configs/$c.json
  log "== $c"
  bench "train-amp-kindling-$c" $K train --config $C --batch $TB --seq $TS --steps 6 --device $DEV --amp --json
  bench "train-amp-torch-$c" $P train --config $C --batch $TB --seq $TS --steps 6 --device $DEV --dtype $DT
  bench "train-bf16-kindling-$c" $K train --config $C --batch $TB --seq $TS --steps 6 --device $DEV --dtype $DT --json
  bench "generate-kindling-$c" $K generate --config $C --batch $GB --n $GN --prompt-len $GP --new-tokens $GT --reps 2 --device $DEV --dtype $DT --json
  bench "generate-torch-$c" $P generate --config $C --batch $((GB * GN)) --prompt-len $GP --new-tokens $GT --reps 2 --device $DEV --dtype $DT
done
# Real models on a small budget: one LoRA (r=16, all-linear) SFT step with gradient checkpointing and
# the chunked loss on a bfloat16 base (adapters and their AdamW state in float32) at the Qwen2.5-1.5B
# and 3B shapes, random weights: peak max_memory_allocated and tokens/s (bench/memory-worker.mjs).
# transformers + peft with gradient_checkpointing_enable() beside it when this python has them.
LCONFIGS="qwen2.5-1.5b qwen2.5-3b"; LTOKENS="4096 16384"; LSTEPS=3
[ "$QUICK" = --quick ] && { LCONFIGS=s; LTOKENS=64; LSTEPS=1; }
HAVE_PEFT=$(python3 -c "import transformers, peft" >/dev/null 2>&1 && echo yes)
for c in $LCONFIGS; do
  for t in $LTOKENS; do
    L=(--config $S/configs/$c.json --tokens $t --device $DEV --dtype $DT --mode sft --steps $LSTEPS)
    bench "lora-ckpt-kindling-$c-$t" node bench/memory-worker.mjs "${L[@]}" --variant lora+ckpt+chunk
    [ -n "$HAVE_PEFT" ] && bench "lora-ckpt-peft-$c-$t" python3 bench/peers/memory_peer.py "${L[@]}" --variant lora+ckpt
  done
done
log "engine tests on the GPU machine"
timeout 150 node --test --expose-gc dist/test/torch/ > "$OUT/torch-tests.log" 2>&1; log "engine tests rc=$?"; grep -E "^# (tests|pass|fail)" "$OUT/torch-tests.log"
log done
