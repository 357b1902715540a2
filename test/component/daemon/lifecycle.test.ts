import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../../src/clock.js';
import { Lifecycle, type Service } from '../../../src/lifecycle/lifecycle.js';
import { ShutdownSignals } from '../../../src/lifecycle/shutdown-signals.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { within } from '../../helpers/wait.js';

/** A service that records its start and stop in `events`; its stop can be made to hang or fail. */
function service(
  name: string,
  events: string[],
  stop: (budgetMs: number) => Promise<unknown> | unknown = () => {},
): Service {
  return {
    name,
    start: () => {
      events.push(`start ${name}`);
    },
    stop: (budgetMs) => {
      events.push(`stop ${name}`);
      return stop(budgetMs);
    },
  };
}

/** Lets pending promise callbacks run (the lifecycle awaits between steps). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

describe('Lifecycle', () => {
  test('starts services in order and stops them in reverse order', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const lifecycle = new Lifecycle({ clock, scheduler: clock, log: recordingLogger() })
      .add(service('http', events))
      .add(service('workload', events))
      .add(service('control loop', events));
    await lifecycle.start();
    await lifecycle.stop(30_000);
    assert.deepEqual(events, [
      'start http',
      'start workload',
      'start control loop',
      'stop control loop',
      'stop workload',
      'stop http',
    ]);
  });

  test('each step gets what is left of the one deadline', async () => {
    const clock = new ManualClock();
    const budgets: number[] = [];
    const lifecycle = new Lifecycle({ clock, scheduler: clock, log: recordingLogger() })
      .add(service('a', [], (ms) => budgets.push(ms)))
      .add(
        service('b', [], (ms) => {
          budgets.push(ms);
          clock.advanceMs(4_000); // b takes 4 s
        }),
      );
    await lifecycle.start();
    await lifecycle.stop(10_000);
    assert.deepEqual(budgets, [10_000, 6_000]);
  });

  test('a hanging stop is cut at the deadline and the next step still runs', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const log = recordingLogger();
    const lifecycle = new Lifecycle({ clock, scheduler: clock, log })
      .add(service('http', events))
      .add(service('workload', events, () => new Promise(() => {}))); // never settles
    await lifecycle.start();
    const stopped = lifecycle.stop(3_000);
    await settle();
    assert.deepEqual(events.slice(2), ['stop workload'], 'http waits while the workload stops');
    clock.advanceMs(2_999);
    await settle();
    assert.equal(events.length, 3, 'not cut before the deadline');
    clock.advanceMs(1);
    await within('the stop after the cut', stopped, 2_000);
    assert.deepEqual(events.slice(2), ['stop workload', 'stop http']);
    const failed = log.lines.filter((l) => l.msg === 'stop step failed');
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.fields.step, 'workload');
    assert.match(String(failed[0]!.fields.error), /did not stop within 3000 ms/);
  });

  test('a failing stop is logged and the next step still runs', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const log = recordingLogger();
    const lifecycle = new Lifecycle({ clock, scheduler: clock, log }).add(service('http', events)).add(
      service('workload', events, async () => {
        throw new Error('flush failed');
      }),
    );
    await lifecycle.start();
    await lifecycle.stop(3_000);
    assert.deepEqual(events.slice(2), ['stop workload', 'stop http']);
    assert.deepEqual(
      log.lines.filter((l) => l.level === 'error').map((l) => [l.fields.step, l.fields.error]),
      [['workload', 'flush failed']],
    );
    assert.equal(clock.pendingTimers, 0, 'no deadline timer is left behind');
  });

  test('a service that cannot start stops those started before it, in reverse, and the error surfaces', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const lifecycle = new Lifecycle({ clock, scheduler: clock, log: recordingLogger() })
      .add(service('http', events))
      .add(service('metrics', events))
      .add({
        name: 'workload',
        start: () => {
          throw new Error('port in use');
        },
        stop: () => events.push('stop workload'),
      });
    await assert.rejects(lifecycle.start(), /port in use/);
    assert.deepEqual(events, ['start http', 'start metrics', 'stop metrics', 'stop http']);
  });
});

describe('ShutdownSignals', () => {
  test('the first signal starts the stop, a second one forces', () => {
    const calls: string[] = [];
    const signals = new ShutdownSignals({
      onStop: (name) => calls.push(`stop ${name}`),
      onForce: (name) => calls.push(`force ${name}`),
    });
    assert.equal(signals.signal.aborted, false);
    signals.receive('SIGTERM');
    assert.equal(signals.signal.aborted, true);
    assert.deepEqual(calls, ['stop SIGTERM']);
    signals.receive('SIGINT');
    assert.deepEqual(calls, ['stop SIGTERM', 'force SIGINT']);
  });
});
