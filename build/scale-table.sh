#!/usr/bin/env bash
# The scaling table of docs/training.md: a frozen-base, a fine-tune (top stage unfrozen) and a from-scratch run, one epoch per
# phase, on generated sets of 500, 2,000 and 20,000 images (80/10/10), each in a process of its own under GNU time for
# its peak resident memory; MODES may add feature-extraction, feature-extraction-augmented (4 augmented copies) and
# from-scratch-batchnorm (the small convnet with a BatchNormalization after each convolution).
# Linux only (GNU time); the sets go to datasets/scale/, which git ignores.
#   build/scale-table.sh                 all three sizes
#   SIZES="500 2000" build/scale-table.sh
#   CLI=path/to/mlnet-transfer ...        another build (e.g. an older commit's) instead of this tree's Release build
#   DATA=../shared/datasets/pets-kaggle-2000 MODES=fine-tune build/scale-table.sh
#                                        a folder of real photos instead of the generated sets
#   WARM=1 ...                           keep the previous run's output, so its decoded images are reused
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${SIZES:-"500 2000 20000"}
modes=${MODES:-"frozen-base fine-tune from-scratch"}
work=${WORK:-datasets/scale}
if [ -z "${CLI:-}" ]; then
  dotnet build -c Release src/MLNetTransfer.Cli >/dev/null
  CLI=src/MLNetTransfer.Cli/bin/Release/net10.0/mlnet-transfer
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)

training() {
  case $1 in
    frozen-base) echo '"classifier": { "hiddenUnits": [256], "dropout": 0.5 }, "training": { "batchSize": 32, "phases": [ { "name": "head", "epochs": 1 } ] }' ;;
    fine-tune) echo '"classifier": { "hiddenUnits": [256], "dropout": 0.5 }, "training": { "batchSize": 32, "phases": [ { "name": "head", "epochs": 1 }, { "name": "top-stage", "epochs": 1, "unfreeze": { "topStages": 1 }, "learningRate": 0.0001 } ] }' ;;
    feature-extraction) echo '"head": { "trainer": "lbfgs-maximum-entropy" }' ;;
    feature-extraction-augmented) echo '"head": { "trainer": "lbfgs-maximum-entropy", "augmentedCopies": 4 }, "augmentation": { "rotationRange": 40, "widthShiftRange": 0.2, "heightShiftRange": 0.2, "shearRange": 20, "zoomRange": 0.2, "horizontalFlip": true }' ;;
    from-scratch) echo '"imageSize": { "width": 150, "height": 150 }, "classifier": { "hiddenUnits": [512], "dropout": 0.5 }, "training": { "batchSize": 32, "phases": [ { "name": "scratch", "epochs": 1, "unfreeze": { "all": true }, "learningRate": 0.0005 } ] }' ;;
    from-scratch-batchnorm) echo '"backbone": { "name": "small-convnet", "batchNormalization": true }, '"$(training from-scratch)" ;;
  esac
}

printf '| images | mode | peak memory | seconds per epoch (last phase) | run seconds | decoded images and features kept |\n|---|---|---|---|---|---|\n'
if [ -n "${DATA:-}" ]; then sizes=$(basename "$DATA"); fi
for n in $sizes; do
  root="$work/synth-$n"
  if [ -n "${DATA:-}" ]; then root=$(cd "$DATA" && pwd)
  elif [ ! -d "$root" ]; then "$CLI" datasets synth --out "$root" --per-class $((n / 2)) --size 256 >/dev/null; fi
  for mode in $modes; do
    name="$mode-$n"
    [ -n "${WARM:-}" ] || rm -rf "$work/runs/$name"
    mkdir -p "$work/configs"
    cat >"$work/configs/$name.json" <<EOF
{ "name": "$name", "seed": 42, "mode": "$(sed -E 's/-(augmented|batchnorm)$//' <<<"$mode")",
  "dataset": { "root": "$root", "split": { "train": 0.8, "validation": 0.1, "test": 0.1 } },
  $(training "$mode"),
  "output": "$work/runs/$name" }
EOF
    /usr/bin/time -v -o "$work/$name.time" "$CLI" train "$work/configs/$name.json" --no-report >"$work/$name.log" 2>&1
    peak=$(awk -F': ' '/Maximum resident set size/ { printf "%.2f GB", $2 / 1048576 }' "$work/$name.time")
    run=$(ls -td "$work/runs/$name/$name"/* | head -n 1)
    epoch=$( [ -f "$run/history.csv" ] && tail -n 1 "$run/history.csv" | cut -d, -f8 || echo "(no epochs)")
    seconds=$(grep -o '"seconds": [0-9.]*' "$run/run.json" | cut -d' ' -f2)
    cache=$(find "$work/runs/$name/.feature-cache" -maxdepth 1 \( -name '*.images' -o -name '*.features' \) -printf '%s\n' 2>/dev/null \
      | awk '{ bytes += $1 } END { printf "%.0f MB", bytes / 1048576 }')
    printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$mode" "$peak" "$epoch" "$seconds" "$cache"
  done
done
