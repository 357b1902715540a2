import type { Admin } from '../driver/driver.js';

/** Topic names a LoadEngine creates: `<prefix>-sb-<runTag>-<index>` (load-engine.ts). */
function ownPattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-sb-([0-9a-f]{8})-\\d+$`);
}

export interface SweepResult {
  deleted: string[];
  /** Topics of soakbench's shape that look alive (a group with members, or growing), left alone. */
  kept: string[];
}

/**
 * Deletes topics an earlier soakbench run left behind when it was killed: only names of soakbench's
 * own shape under this prefix (the `-sb-<runTag>-` marker), and only when the run they belong to shows
 * no life — no member in any of its consumer groups and no end offset moving over `watchMs`. Topics of
 * `keepRunTag` are kept whatever they show: a fleet member's own workload, whose topics are idle when the
 * whole fleet restarts (its tag is the same on every start, docs/fleet.md).
 */
export async function sweepAbandonedTopics(
  admin: Admin,
  prefix: string,
  maxSubscriptions: number,
  watchMs = 3_000,
  keepRunTag?: string,
): Promise<SweepResult> {
  const pattern = ownPattern(prefix);
  const byRun = new Map<string, string[]>();
  const result: SweepResult = { deleted: [], kept: [] };
  for (const topic of await admin.listTopics()) {
    const match = pattern.exec(topic);
    if (match === null) continue;
    if (match[1] === keepRunTag) result.kept.push(topic);
    else byRun.set(match[1]!, [...(byRun.get(match[1]!) ?? []), topic]);
  }
  if (byRun.size === 0) return result;
  const before = new Map<string, number[]>();
  for (const topics of byRun.values()) for (const t of topics) before.set(t, await admin.endOffsets(t));
  await new Promise((r) => setTimeout(r, watchMs));
  for (const [runTag, topics] of byRun) {
    const groups = Array.from(
      { length: Math.max(1, maxSubscriptions) },
      (_, j) => `${prefix}-sub-${j}-${runTag}`,
    );
    let alive = (await admin.activeGroups(groups)).length > 0;
    for (const t of topics) {
      if (alive) break;
      const now = await admin.endOffsets(t);
      alive = now.some((o, i) => o !== (before.get(t)?.[i] ?? o));
    }
    if (alive) {
      result.kept.push(...topics);
    } else {
      await admin.deleteTopics(topics);
      result.deleted.push(...topics);
    }
  }
  return result;
}
