# Reads a TensorBoard log folder with the tensorboard package's own reader (EventAccumulator, which
# checks each record's masked CRC-32C) and prints {"tags": {tag: [[step, value], ...]}, "file_version": ...}.
#   python tensorboard_read.py LOGDIR
import json
import sys

from tensorboard.backend.event_processing import event_accumulator

acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
acc.Reload()
tags = {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]}
print(json.dumps({"tags": tags, "file_version": acc.file_version}))
