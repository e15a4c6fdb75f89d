import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, STORE_KINDS, type TestDeps } from '../testing/index.ts';
import type { LeaseTimers } from './delivery.ts';
import { createForwarder, drainOutbox, resumeOutboxDeliveries } from './forwarder.ts';
import type { OutboxSender, SendOutcome } from './sender.ts';
import { enqueueOutboxItems, getOutboxItem } from './service.ts';

/** Lease renewal timers a test fires by hand; never fired, they stand for a killed process. */
function manualTimers() {
  const ticks = new Set<() => Promise<void>>();
  const timers: LeaseTimers = {
    every(_ms, fn) {
      ticks.add(fn);
      return () => ticks.delete(fn);
    },
  };
  return { timers, fire: () => Promise.all([...ticks].map((tick) => tick())), ticks };
}

/** A sender that never answers; `started` settles once a batch reached it (it is `delivering`). */
function hangingSender() {
  let reached: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const sender: OutboxSender = {
    kind: 'test.kind',
    maxBatch: 100,
    send: () => {
      reached();
      return new Promise<SendOutcome>(() => undefined);
    },
  };
  return { sender, started };
}

function recordingSender() {
  const sent: string[] = [];
  const sender: OutboxSender = {
    kind: 'test.kind',
    maxBatch: 100,
    async send(_target, items) {
      sent.push(...items.map((item) => item.id));
      return { type: 'delivered', verdicts: new Map() };
    },
  };
  return { sender, sent };
}

describe.each(STORE_KINDS)('outbox leases after a crash on %s', (kind) => {
  let t: TestDeps;
  beforeEach(async () => {
    t = await createTestDeps({ store: kind });
  });
  afterEach(() => t.cleanup());

  const enqueue = async () => {
    const [id] = await t.deps.store.transaction((tx) =>
      enqueueOutboxItems(
        t.deps.store,
        tx,
        [{ kind: 'test.kind', target: 'site-1', payload: '{}' }],
        t.clock.now(),
      ),
    );
    return String(id);
  };
  const delivering = async (id: string) => {
    const dead = manualTimers();
    const hanging = hangingSender();
    void drainOutbox(t.deps, [hanging.sender], { timers: dead.timers });
    await hanging.started;
    expect((await getOutboxItem(t.deps, id)).status).toBe('delivering');
  };

  it('a killed delivery holds its items for one short lease (30 s), not two minutes', async () => {
    const id = await enqueue();
    await delivering(id);
    const { sender, sent } = recordingSender();
    t.clock.advance(29_999);
    await drainOutbox(t.deps, [sender]);
    expect(sent).toEqual([]);
    t.clock.advance(1);
    await drainOutbox(t.deps, [sender]);
    expect(sent).toEqual([id]);
  });

  it("renews a live delivery's lease, so another replica never takes it over", async () => {
    const id = await enqueue();
    const live = manualTimers();
    const hanging = hangingSender();
    void drainOutbox(t.deps, [hanging.sender], { timers: live.timers });
    await hanging.started;
    expect((await getOutboxItem(t.deps, id)).status).toBe('delivering');
    const { sender, sent } = recordingSender();
    for (let second = 0; second < 120; second += 10) {
      t.clock.advance(10_000);
      await live.fire();
      await drainOutbox(t.deps, [sender]);
    }
    expect(sent).toEqual([]);
    expect((await getOutboxItem(t.deps, id)).leaseExpiresAt).toEqual(
      new Date(t.clock.now().getTime() + 30_000),
    );
    // A delivery that ends stops renewing; the live one keeps its renewal.
    const next = await enqueue();
    await createForwarder(t.deps, [sender], { timers: live.timers }).runOnce();
    expect(sent).toEqual([next]);
    expect(live.ticks.size).toBe(1);
  });

  it('a restart takes back what the stopped process was delivering', async () => {
    const id = await enqueue();
    await delivering(id);
    const released = await resumeOutboxDeliveries(t.deps);
    const { sender, sent } = recordingSender();
    await drainOutbox(t.deps, [sender]);
    if (kind === 'sqlite') {
      // One process per SQLite store: whatever is `delivering` was the stopped process's.
      expect(released).toBe(1);
      expect(sent).toEqual([id]);
    } else {
      // Another replica may be delivering it: only its expired lease lets it go.
      expect(released).toBe(0);
      expect(sent).toEqual([]);
      t.clock.advance(30_000);
      expect(await resumeOutboxDeliveries(t.deps)).toBe(1);
      await drainOutbox(t.deps, [sender]);
      expect(sent).toEqual([id]);
    }
  });
});
