#!/usr/bin/env bash
# Reproduces models/demo-base, the demo's base model, from nothing but this repository:
#   1. a synthetic corpus (the mini domains in plain Q&A style, 30 % of it the demo prompts answered
#      plainly, + K&K quizzes with one-line answers),
#   2. a 2,048-token byte-level BPE trained on it and a Qwen2 model initialised from configs/demo/model.json,
#   3. pretraining with configs/demo/pretrain.yaml (resumable: re-run the script after an interruption).
# Takes about 15 minutes on 2 quiet CPU cores (1,200 steps at ~1.45 steps/s). Seeds are fixed, so the result is reproducible up to
# floating-point non-determinism of the thread pool.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${1:-runs/demo-base-build}
mkdir -p "$W"
[ -f "$W/corpus.txt" ] || node scripts/make-demo-corpus.mjs "$W/corpus.txt" --chars 6000000 --seed 0
[ -f "$W/init/config.json" ] || node bin/kindling.js model init --config configs/demo/model.json --train-tokenizer "$W/corpus.txt" --vocab 2048 --seed 0 --out "$W/init"
node bin/kindling.js pretrain --model "$W/init" --corpus "$W/corpus.txt" --out "$W/pretrain" --config configs/demo/pretrain.yaml --resume
rm -rf models/demo-base
mkdir -p models
cp -r "$W/pretrain/model" models/demo-base
echo "models/demo-base written ($(du -sh models/demo-base | cut -f1))"
