import { createHash } from 'node:crypto';
import type { ReportedGap } from '../integrity/loss-ledger.js';
import { type FleetSample, isFleetSample } from './fleet-samples.js';

/**
 * The records a fleet keeps in its control topic (docs/fleet.md): the desired state every member applies,
 * one record per member (its share, rates and counts), and gaps a member found in another member's
 * messages. Pure logic: names, encoding, validation, shares and the fleet view; Kafka I/O is fleet-member.ts.
 */

/** Partitions of the shares topic: a member's share is its assigned partitions over this (1, 2, 3, 4, 6 or 12 members split it evenly). */
export const SHARE_PARTITIONS = 12;

export interface FleetNames {
  /** Compacted, one partition: the desired state and the member records. */
  control: string;
  /** SHARE_PARTITIONS partitions, no messages: the membership group's assignment is the shares. */
  shares: string;
  /** The consumer group every member joins on `shares`. */
  membersGroup: string;
}

export function fleetNames(fleet: string): FleetNames {
  return { control: `${fleet}.control`, shares: `${fleet}.shares`, membersGroup: `${fleet}.members` };
}

/** The fleet's intent: what every member runs. Written by any member (PUT /rate, /workload, /controller, POST /pause|resume). */
export interface DesiredState {
  /** Increases with every write. */
  version: number;
  /** Increases when the workload changes; with the fleet's name it names the workload's topics and groups. */
  workloadVersion: number;
  /** The workload file's text (YAML or JSON), as every member parses it. */
  workload: string;
  /** The fleet's total target rate, msg/s; each member produces its share of it. */
  rate: number;
  paused: boolean;
  /**
   * `adaptive`: the member that leads (holds the shares topic's partition 0) runs the controller on every
   * member's samples and writes the rate it decides here. Absent in records of older members: fixed.
   */
  mode?: 'fixed' | 'adaptive';
  /** Controller settings: the fleet controller's, and every member's own (its SLO view of its share). */
  controller: { p99TargetMs?: number; maxErrorRate?: number; minRate?: number; maxRate?: number };
  /** The member that wrote it, and its wall clock then (for people; nothing orders by it). */
  writer: string;
  writtenAtMs: number;
}

/** A member's rates and counts (its /status figures); the fleet's totals are their sums. */
export interface MemberCounts {
  targetRate: number;
  achievedRate: number;
  messagesSent: number;
  messagesReceived: number;
  sendErrors: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

const COUNT_FIELDS: readonly (keyof MemberCounts)[] = [
  'targetRate',
  'achievedRate',
  'messagesSent',
  'messagesReceived',
  'sendErrors',
  'lost',
  'duplicated',
  'outOfOrder',
];

/** What a member publishes about itself every heartbeat. */
export interface MemberRecord extends MemberCounts {
  id: string;
  host: string;
  pid: number;
  state: string;
  /** Shares-topic partitions assigned to it, and their fraction of SHARE_PARTITIONS. */
  partitions: number;
  share: number;
  /** The run ids its producers write now: gaps in these runs are its to decide. */
  runIds: number[];
  /** The desired-state version it has applied. */
  appliedVersion: number;
  /** It holds the shares topic's partition 0: it runs the controller when the fleet is adaptive. */
  leads?: boolean;
  writtenAtMs: number;
  /** True in the last record of a member that stopped cleanly. */
  left?: boolean;
}

/** A gap one member's consumers found in another member's messages, handed to the producing member. */
export interface GapRecord {
  reporter: string;
  gap: ReportedGap;
}

export type ControlRecord =
  | { kind: 'desired'; desired: DesiredState }
  | { kind: 'member'; member: MemberRecord }
  | { kind: 'gap'; gap: GapRecord }
  | { kind: 'sample'; sample: FleetSample }
  | { kind: 'decision'; decision: FleetDecision };

/**
 * The rate the fleet's controller decided (adaptive mode), for one desired-state version: a newer desired
 * state (any member's PUT) makes it void until the controller decides again, so a decision written while
 * an operator changed the fleet never undoes the operator's change.
 */
export interface FleetDecision {
  forVersion: number;
  rate: number;
  /** The controller's state then (for people). */
  state: string;
  writer: string;
  writtenAtMs: number;
}

/** The fleet's rate now: the controller's decision for the newest desired state, else the desired state's rate. */
export function effectiveRate(d: DesiredState, decision: FleetDecision | undefined): number {
  return d.mode === 'adaptive' && decision?.forVersion === d.version ? decision.rate : d.rate;
}

/** The record's Kafka key (compaction keeps the newest per key). */
export function recordKey(r: ControlRecord): string {
  if (r.kind === 'desired') return 'desired';
  if (r.kind === 'member') return `member:${r.member.id}`;
  if (r.kind === 'sample') return `sample:${r.sample.member}`;
  if (r.kind === 'decision') return 'decision';
  const g = r.gap.gap;
  return `gap:${g.runId}:${g.producerId}:${g.partition}:${g.subscription}:${g.start}`;
}

/** JSON of the record; it carries its kind in the value too (the consumer seam hands over values only). */
export function encodeRecord(r: ControlRecord): Buffer {
  return Buffer.from(JSON.stringify(r));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The record in `value`, or a reason it is not one (a newer or foreign writer, or a damaged record). */
export function decodeRecord(value: Buffer | null): ControlRecord | { invalid: string } {
  if (value === null || value.length === 0) return { invalid: 'empty record' };
  let r: unknown;
  try {
    r = JSON.parse(value.toString('utf8'));
  } catch {
    return { invalid: 'not JSON' };
  }
  const o = r as Record<string, unknown>;
  if (o === null || typeof o !== 'object') return { invalid: 'not an object' };
  if (o.kind === 'desired') {
    const d = o.desired as Record<string, unknown> | undefined;
    if (
      d &&
      isNum(d.version) &&
      isNum(d.workloadVersion) &&
      isStr(d.workload) &&
      isNum(d.rate) &&
      d.rate >= 0 &&
      typeof d.paused === 'boolean' &&
      typeof d.controller === 'object' &&
      d.controller !== null &&
      (d.mode === undefined || d.mode === 'fixed' || d.mode === 'adaptive') &&
      isStr(d.writer)
    )
      return { kind: 'desired', desired: d as unknown as DesiredState };
    return {
      invalid: 'desired state without version, workloadVersion, workload, rate, paused, controller or writer',
    };
  }
  if (o.kind === 'member') {
    const m = o.member as Record<string, unknown> | undefined;
    if (m && isStr(m.id) && isNum(m.share) && isNum(m.achievedRate) && Array.isArray(m.runIds))
      return { kind: 'member', member: m as unknown as MemberRecord };
    return { invalid: 'member record without id, share, achievedRate or runIds' };
  }
  if (o.kind === 'gap') {
    const g = o.gap as { reporter?: unknown; gap?: Record<string, unknown> } | undefined;
    const gap = g?.gap;
    if (
      g &&
      isStr(g.reporter) &&
      gap &&
      ['runId', 'producerId', 'partition', 'subscription', 'start', 'end'].every((k) => isNum(gap[k]))
    )
      return { kind: 'gap', gap: g as unknown as GapRecord };
    return {
      invalid: 'gap record without reporter, runId, producerId, partition, subscription, start or end',
    };
  }
  if (o.kind === 'decision') {
    const d = o.decision as Record<string, unknown> | undefined;
    if (d && isNum(d.forVersion) && isNum(d.rate) && d.rate > 0 && isStr(d.writer))
      return { kind: 'decision', decision: d as unknown as FleetDecision };
    return { invalid: 'decision record without forVersion, rate or writer' };
  }
  if (o.kind === 'sample') {
    if (isFleetSample(o.sample)) return { kind: 'sample', sample: o.sample };
    return { invalid: 'sample record without member, counts, errors or response histogram' };
  }
  return { invalid: `unknown kind ${JSON.stringify(o.kind)}` };
}

/** The tag in a fleet workload's topic and group names: the same on every member, new with every workload. */
export function fleetRunTag(fleet: string, workloadVersion: number): string {
  return createHash('sha256').update(`${fleet}\0${workloadVersion}`).digest('hex').slice(0, 8);
}

/** A member's part of the fleet rate. */
export function shareOf(assignedPartitions: number): number {
  return Math.max(0, Math.min(SHARE_PARTITIONS, assignedPartitions)) / SHARE_PARTITIONS;
}

/** What /status shows of the fleet. */
export interface FleetView {
  name: string;
  member: string;
  desired:
    | { version: number; workloadVersion: number; rate: number; paused: boolean; mode: 'fixed' | 'adaptive' }
    | undefined;
  members: (Omit<MemberRecord, 'runIds' | 'left' | 'pid'> & { ageMs: number })[];
  /** The fleet's target rate (the desired state's) and the listed members' sums. */
  totals: MemberCounts & { members: number; share: number };
}

/**
 * The fleet as this member sees it: members heard from within `staleMs` (by this member's clock: records
 * carry the writer's clock, which may be skewed) that have not left, and their sums.
 */
export function fleetView(o: {
  name: string;
  member: string;
  desired: DesiredState | undefined;
  members: ReadonlyMap<string, { record: MemberRecord; seenAtMs: number }>;
  nowMs: number;
  staleMs: number;
}): FleetView {
  const live = [...o.members.values()]
    .filter((m) => !m.record.left && o.nowMs - m.seenAtMs <= o.staleMs)
    .sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
  const d = o.desired;
  const totals = { members: live.length, share: 0 } as FleetView['totals'];
  for (const field of COUNT_FIELDS) totals[field] = live.reduce((a, m) => a + m.record[field], 0);
  totals.share = live.reduce((a, m) => a + m.record.share, 0);
  totals.targetRate = d?.rate ?? 0;
  return {
    name: o.name,
    member: o.member,
    desired: d && {
      version: d.version,
      workloadVersion: d.workloadVersion,
      rate: d.rate,
      paused: d.paused,
      mode: d.mode ?? 'fixed',
    },
    members: live.map(({ record, seenAtMs }) => {
      const { runIds: _runIds, left: _left, pid: _pid, ...shown } = record;
      return { ...shown, ageMs: Math.max(0, o.nowMs - seenAtMs) };
    }),
    totals,
  };
}
