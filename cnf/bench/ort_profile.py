#!/usr/bin/env python3
"""Per-node medians of ONNX Runtime profiles written by a side-by-side run with
JAVA_OPTS=-Dcnnkit.bench.ortProfile=PREFIX (one JSON file per session):
  python3 cnf/bench/ort_profile.py PREFIX*.json
Medians over the second half of each node's runs (the first half warms up). Profiling slows every
node down: compare nodes with each other, not with an unprofiled run's times."""
import collections
import json
import sys

for path in sys.argv[1:]:
    events = json.load(open(path))
    nodes = collections.OrderedDict()
    runs = []
    for e in events:
        if e.get('cat') == 'Node' and e['name'].endswith('_kernel_time'):
            nodes.setdefault(e['name'][:-len('_kernel_time')], []).append((e['dur'], e['args'].get('op_name')))
        elif e.get('cat') == 'Session' and e['name'] == 'model_run':
            runs.append(e['dur'])
    if not runs:
        continue
    print(f"{path}: {len(runs)} runs, median run {sorted(runs)[len(runs) // 2]} us")
    total = 0
    for name, times in nodes.items():
        late = sorted(d for d, _ in times[len(times) // 2:])
        median = late[len(late) // 2]
        total += median
        print(f"  {median:8d} us  {times[0][1]:20s} {name}")
    print(f"  {total:8d} us  sum of the nodes' medians")
