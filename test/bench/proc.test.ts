import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';
import { processTree, spawnPinned, stopTree, treeCpuUs, treeRssMb } from '../../bench/proc.ts';
import { summarise } from '../../bench/profile.ts';

test('a pinned process is found in the tree, measured from /proc and stopped by its PID', async () => {
  const logFile = join(mkdtempSync(join(tmpdir(), 'bench-proc-')), 'out.log');
  const child = spawnPinned({
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)'],
    env: {},
    core: 0,
    logFile,
  });
  try {
    // taskset execs the program: measure once it has, or the peak may belong to taskset.
    while (!readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').includes('setInterval'))
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(processTree(process.pid).includes(child.pid!));
    const rss = treeRssMb([child.pid!]);
    assert.ok(rss > 0);
    assert.ok(
      treeRssMb([child.pid!], true) >= rss,
      'the peak is at least what was resident before',
    );
    assert.ok(treeCpuUs([process.pid]) > 0);
  } finally {
    await stopTree(child);
  }
  assert.equal(child.signalCode, 'SIGTERM');
  assert.equal(treeCpuUs([child.pid!]), 0, 'a process that is gone counts nothing');
});

test('the profile summary charges self time to functions over the last window only', () => {
  const frame = (id: number, functionName: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url: '', lineNumber: 0 },
    children,
  });
  const profile = {
    nodes: [frame(1, '(root)', [2]), frame(2, 'handle', [3]), frame(3, 'parse')],
    startTime: 0,
    endTime: 4000,
    samples: [3, 3, 2, 3],
    timeDeltas: [1000, 1000, 1000, 1000], // µs: samples at 1, 2, 3 and 4 ms
  };
  const { self, folded, totalMs } = summarise(profile, 2); // the last 2 ms: samples 3 and 4
  assert.deepEqual(self, [
    ['handle', 1],
    ['parse', 1],
  ]);
  assert.deepEqual(folded.sort(), ['(root);handle 1', '(root);handle;parse 1']);
  assert.equal(totalMs, 2);
});
