import { hostname } from 'node:os';
import type { ControllerSettingsPatch, DaemonControl } from '../api/daemon-control.js';
import type { BacklogRequest } from '../api/schemas.js';
import { type Clock, systemClock } from '../clock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import { retryDelayMs } from '../daemon/connect-retry.js';
import { Daemon } from '../daemon/daemon.js';
import { daemonDriverOptions } from '../daemon/daemon-settings.js';
import { HttpService } from '../daemon/http-service.js';
import type { DriverFactory } from '../driver/driver.js';
import { SoakbenchError } from '../errors.js';
import type { ReportedGap } from '../integrity/loss-ledger.js';
import type { Logger } from '../log/logger.js';
import type { TestResult } from '../results/test-result.js';
import type { DriverFile } from '../workload/driver-file.js';
import { driverSettings } from '../workload/driver-settings.js';
import { refuseUnsupported } from '../workload/supported.js';
import type { Workload } from '../workload/workload.js';
import { parseWorkloadText } from '../workload/workload-parser.js';
import { FleetMember } from './fleet-member.js';
import {
  type ControlRecord,
  type DesiredState,
  type FleetView,
  fleetRunTag,
  fleetView,
  type MemberRecord,
  SHARE_PARTITIONS,
  shareOf,
} from './fleet-records.js';

export interface FleetDaemonOptions {
  config: DaemonConfig;
  driverFile: DriverFile;
  driverFactory: DriverFactory;
  /** The member's own workload: the fleet's first one when the fleet has none yet. */
  workload: Workload;
  /** Its file's text, as the fleet's control topic carries it. */
  workloadText: string;
  /** Directory relative payloadFile paths of fleet workloads resolve against. */
  workloadDir: string;
  log: Logger;
  clock?: Clock;
}

/** Bound on each attempt to join (create topics, read the control topic to its end). */
const JOIN_TIMEOUT_MS = 30_000;
/** How long a change waits until this member has applied it before answering anyway. */
const APPLY_WAIT_MS = 10_000;
const SWAP_WAIT_MS = 60_000;

/** Refuses what a fleet cannot run yet: it needs one fixed fleet rate to split. */
export function refuseForFleet(w: Workload, where: string): void {
  if (w.rateProfile !== undefined) {
    throw new SoakbenchError(
      'INVALID_WORKLOAD',
      `${where}: rateProfile is not supported in a fleet yet; give producerRate (the fleet's total)`,
      { field: 'rateProfile' },
    );
  }
  if (!(w.producerRate > 0)) {
    throw new SoakbenchError(
      'INVALID_WORKLOAD',
      `${where}: a fleet needs producerRate > 0 (its total rate); the adaptive controller does not run across a fleet yet`,
      { field: 'producerRate' },
    );
  }
}

/**
 * A daemon that is a member of a fleet (docs/fleet.md): it runs its share of the fleet's workload and puts
 * itself in front of the daemon's HTTP API. Changes (PUT /rate, /workload, /controller, POST /pause|resume)
 * become a new desired-state record in the fleet's control topic; every member, this one included, applies
 * the newest record it reads. Its share of the fleet rate is its part of the shares topic's partitions in
 * the membership group. Topics and consumer groups of a workload are named from the fleet's name and the
 * workload's version, so every member produces to and consumes from the same ones.
 */
export class FleetDaemon implements DaemonControl {
  readonly memberId: string;
  private readonly o: FleetDaemonOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly fleet: string;
  private member: FleetMember | undefined;
  private daemon: Daemon | undefined;
  private desired: DesiredState | undefined;
  private partitions = 0;
  private readonly members = new Map<string, { record: MemberRecord; seenAtMs: number }>();
  /** Every run id this member's producers wrote with: gaps in them are decided here. */
  private readonly ownRuns = new Set<number>();
  private readonly tags = new WeakMap<Workload, string>();
  private readonly texts = new WeakMap<Workload, string>();
  private applied = { version: 0, workloadVersion: 0, rate: -1, paused: false, controller: '{}' };
  private applying: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastProblemMs = 0;
  private stopped = false;
  private readonly http: HttpService;
  private joining: Promise<void> = Promise.resolve();
  /** Why the member has not joined (yet): the last attempt's error, or a fleet workload it cannot run. */
  private joinProblem: string | undefined;
  private wake: () => void = () => {};

  constructor(options: FleetDaemonOptions) {
    this.o = options;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.fleet = options.config.fleet.name;
    this.memberId = options.config.fleet.memberId || `${hostname()}-${process.pid}`;
    refuseForFleet(options.workload, options.config.workload);
    this.http = new HttpService({
      control: this,
      config: options.config,
      log: options.log,
      workloadName: () => options.workload.name,
    });
  }

  get port(): number {
    return this.http.port;
  }

  /** This member's own daemon, once joined (what its part of /status comes from). */
  get local(): Daemon | undefined {
    return this.daemon;
  }

  /**
   * Listens on HTTP (health answers and readiness says "joining" while Kafka is away), then joins the fleet
   * in the background: retrying until Kafka answers, it adopts the fleet's desired state (or makes this
   * member's workload the fleet's first), waits for a share and starts the daemon on its part of the rate.
   */
  async start(): Promise<void> {
    await this.http.start();
    this.joining = this.join().catch((err: Error) => {
      this.joinProblem = err.message;
      this.log.error({ fleet: this.fleet, error: err.message }, 'cannot run the fleet workload');
    });
  }

  private async join(): Promise<void> {
    const { config } = this.o;
    for (let attempt = 1; !this.stopped; attempt++) {
      const member = this.newMember();
      try {
        await member.join(JOIN_TIMEOUT_MS);
        if (this.desired === undefined) await this.publishFirst(member);
        await member.startMembership(config.fleet.sessionTimeoutMs * 3);
        this.member = member;
        break;
      } catch (err) {
        await member.close(2_000);
        this.desired = undefined;
        this.members.clear();
        // The daemon's Kafka retry schedule, a step on: an attempt already waited up to JOIN_TIMEOUT_MS.
        const waitMs = retryDelayMs(attempt + 1);
        this.joinProblem = (err as Error).message;
        this.log.warn(
          { fleet: this.fleet, attempt, retryInMs: waitMs, error: this.joinProblem },
          'could not join the fleet; retrying',
        );
        await this.idle(waitMs);
      }
    }
    const member = this.member;
    if (member === undefined || this.stopped) return;
    this.joinProblem = undefined;
    const d = this.desired!;
    const local = this.localTarget(d);
    const workload = this.fleetWorkload(d, local.rate);
    this.daemon = new Daemon({
      config,
      driverFile: this.o.driverFile,
      driverFactory: this.o.driverFactory,
      workload,
      workloadDir: this.o.workloadDir,
      log: this.log,
      clock: this.o.clock,
      http: this.http,
      sharedRunTag: (w) => this.tags.get(w),
      fleetGauges: () => {
        const view = this.view();
        return {
          name: this.fleet,
          share: shareOf(this.partitions),
          members: view.totals.members,
          targetRate: this.desired?.paused ? 0 : (this.desired?.rate ?? 0),
        };
      },
    });
    // Paused before it starts: the engine then starts without sending (a paused fleet, or no share yet).
    if (local.paused) this.daemon.pause();
    this.applied = {
      ...this.applied,
      workloadVersion: d.workloadVersion,
      rate: local.rate,
      paused: local.paused,
    };
    this.daemon.fleetHooks().integrity.routeGap = (gap) => this.routeGap(gap);
    await this.daemon.start();
    this.log.info(
      {
        fleet: this.fleet,
        member: this.memberId,
        workload: workload.name,
        share: shareOf(this.partitions),
        fleetRate: d.rate,
        rate: local.paused ? 0 : local.rate,
      },
      'joined the fleet',
    );
    this.schedule();
    this.heartbeat = setInterval(() => this.beat(), config.fleet.heartbeatMs);
    this.heartbeat.unref();
    this.beat();
  }

  /** The fleet has no desired state yet: this member's workload and rate become the fleet's. */
  private async publishFirst(member: FleetMember): Promise<void> {
    await member.publish(
      {
        kind: 'desired',
        desired: {
          version: 1,
          workloadVersion: 1,
          workload: this.o.workloadText,
          rate: this.o.workload.producerRate,
          paused: false,
          controller: {},
          writer: this.memberId,
          writtenAtMs: this.clock.wallMs(),
        },
      },
      { readBack: true },
    );
    this.log.info(
      { fleet: this.fleet, workload: this.o.workload.name },
      'started the fleet with this workload',
    );
  }

  /** Waits `ms`, or less when the member is stopped meanwhile. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private newMember(): FleetMember {
    const settings = driverSettings(this.o.driverFile);
    const driver = this.o.driverFactory.create(settings, daemonDriverOptions(this.o.config));
    return new FleetMember({
      fleet: this.fleet,
      memberId: this.memberId,
      driver,
      replicationFactor: settings.replicationFactor,
      sessionTimeoutMs: this.o.config.fleet.sessionTimeoutMs,
      onRecord: (r) => this.onRecord(r),
      onShare: (partitions) => {
        if (partitions !== this.partitions) {
          this.log.info(
            { fleet: this.fleet, partitions, of: SHARE_PARTITIONS, share: shareOf(partitions) },
            'fleet share changed',
          );
        }
        this.partitions = partitions;
        this.schedule();
      },
      onProblem: (message) => this.problem(message),
    });
  }

  /**
   * This member's part of `d`: the fleet rate times its share. Without a share (none assigned yet, or more
   * than SHARE_PARTITIONS members) it produces nothing: paused, its rate kept for when a share comes.
   */
  private localTarget(d: DesiredState): { rate: number; paused: boolean } {
    const share = shareOf(this.partitions);
    if (share === 0) return { rate: this.applied.rate > 0 ? this.applied.rate : d.rate, paused: true };
    return { rate: d.rate * share, paused: d.paused };
  }

  /** A fleet workload for this member: the desired state's text, at `memberRate`, tagged for its version. */
  private fleetWorkload(d: DesiredState, memberRate: number): Workload {
    const where = `fleet ${this.fleet} workload version ${d.workloadVersion}`;
    const parsed = parseWorkloadText(d.workload, where, { baseDir: this.o.workloadDir });
    refuseUnsupported(parsed, where);
    const w: Workload = { ...parsed, producerRate: memberRate };
    this.tags.set(w, fleetRunTag(this.fleet, d.workloadVersion));
    return w;
  }

  private problem(message: string): void {
    const now = this.clock.wallMs();
    if (now - this.lastProblemMs < 10_000) return;
    this.lastProblemMs = now;
    this.log.warn({ fleet: this.fleet }, message);
  }

  private onRecord(r: ControlRecord): void {
    if (r.kind === 'desired') {
      this.desired = r.desired;
      this.schedule();
    } else if (r.kind === 'member') {
      if (r.member.left) this.members.delete(r.member.id);
      else this.members.set(r.member.id, { record: r.member, seenAtMs: this.clock.wallMs() });
    } else if (this.daemon !== undefined && this.owns(r.gap.gap.runId)) {
      this.daemon.fleetHooks().integrity.addGaps([r.gap.gap]);
    }
  }

  private owns(runId: number): boolean {
    if (!this.ownRuns.has(runId)) this.refreshOwnRuns();
    return this.ownRuns.has(runId);
  }

  /** Adds the run ids the producers write now (a restarted producer process writes a new one). */
  private refreshOwnRuns(): void {
    for (const id of this.daemon?.fleetHooks().runIds() ?? []) this.ownRuns.add(id);
  }

  /** A gap in another member's messages goes to the control topic, where its producer's member decides it. */
  private routeGap(gap: ReportedGap): boolean {
    if (this.owns(gap.runId)) return false;
    this.member
      ?.publish({ kind: 'gap', gap: { reporter: this.memberId, gap } })
      .catch((err: Error) => this.problem(`handing a gap to its member failed: ${err.message}`));
    return true;
  }

  /** Applies the newest desired state and share, one change at a time. */
  private schedule(): void {
    if (this.daemon === undefined || this.stopped) return;
    this.applying = this.applying.then(
      () => this.apply(),
      () => this.apply(),
    );
  }

  private async apply(): Promise<void> {
    const d = this.desired;
    const daemon = this.daemon;
    if (d === undefined || daemon === undefined || this.stopped) return;
    const { rate, paused } = this.localTarget(d);
    try {
      if (d.workloadVersion !== this.applied.workloadVersion) {
        await daemon.replaceWorkload(this.fleetWorkload(d, rate));
        this.applied.workloadVersion = d.workloadVersion;
        this.applied.rate = rate;
      }
      if (rate !== this.applied.rate) {
        daemon.setRate(rate);
        this.applied.rate = rate;
      }
      if (paused !== this.applied.paused) {
        if (paused) daemon.pause();
        else daemon.resume();
        this.applied.paused = paused;
      }
      const controller = JSON.stringify(d.controller);
      if (controller !== this.applied.controller) {
        daemon.updateController(d.controller);
        this.applied.controller = controller;
      }
      this.applied.version = d.version;
    } catch (err) {
      // Not running yet (still connecting), or a swap under way: try again shortly.
      this.problem(`applying the fleet's desired state version ${d.version}: ${(err as Error).message}`);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.schedule(), 1_000);
      this.retryTimer.unref();
    }
  }

  private async waitApplied(version: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.applied.version < version && Date.now() < deadline && !this.stopped) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.applied.version >= version;
  }

  private record(left = false): MemberRecord {
    const s = this.daemon?.status() ?? {};
    const totals = (s.totals ?? {}) as Record<string, number>;
    const integrity = (s.integrity ?? {}) as Record<string, number>;
    this.refreshOwnRuns();
    return {
      id: this.memberId,
      host: hostname(),
      pid: process.pid,
      state: String(s.state ?? 'joining'),
      partitions: this.partitions,
      share: shareOf(this.partitions),
      targetRate: Number(s.targetRate ?? 0),
      achievedRate: Number(s.achievedRate ?? 0),
      messagesSent: totals.messagesSent ?? 0,
      messagesReceived: totals.messagesReceived ?? 0,
      sendErrors: totals.sendErrors ?? 0,
      lost: integrity.lost ?? 0,
      duplicated: integrity.duplicated ?? 0,
      outOfOrder: integrity.outOfOrder ?? 0,
      runIds: [...this.ownRuns],
      appliedVersion: this.applied.version,
      writtenAtMs: this.clock.wallMs(),
      ...(left ? { left: true } : {}),
    };
  }

  private beat(): void {
    if (this.stopped) return;
    const member = this.record();
    this.members.set(member.id, { record: member, seenAtMs: this.clock.wallMs() });
    this.member
      ?.publish({ kind: 'member', member })
      .catch((err: Error) => this.problem(`publishing this member's record failed: ${err.message}`));
  }

  /** Writes a new desired state built from the newest one; resolves once this member has applied it. */
  private async change(
    patch: Partial<DesiredState>,
    waitMs = APPLY_WAIT_MS,
  ): Promise<{ previous: DesiredState; next: DesiredState; applied: boolean }> {
    const previous = this.desired;
    const member = this.member;
    if (previous === undefined || member === undefined || this.daemon === undefined)
      throw new SoakbenchError('CONFLICT', 'not a member of the fleet yet');
    const next: DesiredState = {
      ...previous,
      ...patch,
      version: previous.version + 1,
      writer: this.memberId,
      writtenAtMs: this.clock.wallMs(),
    };
    await member.publish({ kind: 'desired', desired: next }, { readBack: true });
    return { previous, next, applied: await this.waitApplied(next.version, waitMs) };
  }

  private fleetFields(applied: boolean): Record<string, unknown> {
    return {
      fleet: {
        name: this.fleet,
        member: this.memberId,
        share: shareOf(this.partitions),
        memberRate: this.applied.rate,
        applied,
      },
    };
  }

  // ---- DaemonControl: changes go through the fleet's control topic ----

  async setRate(rate: number): Promise<Record<string, unknown>> {
    const { previous, applied } = await this.change({ rate });
    this.log.info({ fleet: this.fleet, previous: previous.rate, rate }, 'fleet rate set');
    return { rate, previous: previous.rate, mode: 'fixed', ...this.fleetFields(applied) };
  }

  resumeProfile(): Record<string, unknown> {
    throw new SoakbenchError(
      'CONFLICT',
      'rate profiles are not supported in a fleet yet (PUT /rate sets the fleet rate)',
    );
  }

  controller(): Record<string, unknown> {
    return this.running().controller();
  }

  async updateController(patch: ControllerSettingsPatch): Promise<Record<string, unknown>> {
    const { mode, ...settings } = patch;
    if (mode === 'adaptive') {
      throw new SoakbenchError(
        'CONFLICT',
        'the adaptive controller does not run across a fleet yet: a fleet runs at the fixed rate PUT /rate sets',
        { field: 'mode' },
      );
    }
    const daemon = this.running();
    const controller = { ...this.desired?.controller, ...settings };
    // Validates (and applies here) first: a refused patch is never written for the others.
    daemon.updateController(controller);
    this.applied.controller = JSON.stringify(controller);
    try {
      const { applied } = await this.change({ controller });
      return { ...daemon.controller(), ...this.fleetFields(applied) };
    } catch (err) {
      // Not written: back to the fleet's settings.
      this.applied.controller = '';
      this.schedule();
      throw err;
    }
  }

  parseWorkload(text: string): Workload {
    const w = this.running().parseWorkload(text);
    refuseForFleet(w, 'PUT /workload');
    this.texts.set(w, text);
    return w;
  }

  async replaceWorkload(workload: Workload): Promise<Record<string, unknown>> {
    const text = this.texts.get(workload);
    if (text === undefined)
      throw new SoakbenchError('INTERNAL', 'a fleet workload must come from parseWorkload');
    const version = (this.desired?.workloadVersion ?? 0) + 1;
    const { applied } = await this.change(
      { workload: text, workloadVersion: version, rate: workload.producerRate },
      SWAP_WAIT_MS,
    );
    const status = this.running().status() as { workload?: { topics?: string[] } };
    return {
      workload: workload.name,
      topics: status.workload?.topics ?? [],
      rate: workload.producerRate,
      ...this.fleetFields(applied),
    };
  }

  startBacklog(_request: BacklogRequest): Record<string, unknown> {
    throw new SoakbenchError('CONFLICT', 'backlog mode is not supported in a fleet yet');
  }

  async pause(): Promise<Record<string, unknown>> {
    const { applied } = await this.change({ paused: true });
    this.log.info({ fleet: this.fleet }, 'fleet paused');
    return { paused: true, ...this.fleetFields(applied) };
  }

  async resume(): Promise<Record<string, unknown>> {
    const { applied } = await this.change({ paused: false });
    this.log.info({ fleet: this.fleet }, 'fleet resumed');
    return { paused: false, ...this.fleetFields(applied) };
  }

  status(): Record<string, unknown> {
    const now = this.clock.wallMs();
    if (this.daemon === undefined) {
      return {
        state: 'joining',
        ready: this.readiness(),
        fleet: { name: this.fleet, member: this.memberId },
      };
    }
    return { ...this.daemon.status(), fleet: this.view(now) };
  }

  private view(nowMs = this.clock.wallMs()): FleetView {
    return fleetView({
      name: this.fleet,
      member: this.memberId,
      desired: this.desired,
      members: this.members,
      nowMs,
      staleMs: Math.max(3 * this.o.config.fleet.heartbeatMs, this.o.config.fleet.sessionTimeoutMs),
    });
  }

  results(): TestResult {
    return this.running().results();
  }

  health(): { ok: boolean; reason: string } {
    // Joining is not a fault: the process and its retries turn (a restart would not help).
    return this.daemon?.health() ?? { ok: true, reason: `joining fleet ${this.fleet}` };
  }

  readiness(): { ready: boolean; reason: string } {
    if (this.daemon !== undefined) return this.daemon.readiness();
    return { ready: false, reason: this.joiningReason() };
  }

  private joiningReason(): string {
    const why = this.joinProblem === undefined ? '' : `: ${this.joinProblem}`;
    return `joining fleet ${this.fleet}${why}`;
  }

  metrics(): Promise<{ contentType: string; body: string }> {
    return this.running().metrics();
  }

  private running(): Daemon {
    if (this.daemon === undefined) throw new SoakbenchError('CONFLICT', 'not a member of the fleet yet');
    return this.daemon;
  }

  /**
   * Leaves the fleet first (the others take this member's share at their next rebalance, at once), then
   * stops the daemon under what remains of the deadline, then the HTTP API.
   */
  async stop(deadlineMs: number): Promise<Record<string, unknown>> {
    const started = Date.now();
    this.stopped = true;
    this.wake();
    clearInterval(this.heartbeat);
    clearTimeout(this.retryTimer);
    // A join under way ends at its next step (each is bounded); do not wait past a third of the deadline.
    await Promise.race([this.joining, new Promise((r) => setTimeout(r, deadlineMs / 3).unref())]);
    const member = this.member;
    if (member !== undefined && this.daemon !== undefined) {
      await member
        .publish({ kind: 'member', member: this.record(true) }, { timeoutMs: 2_000 })
        .catch(() => {});
    }
    await member?.close(Math.min(5_000, deadlineMs / 3));
    const left = () => Math.max(1_000, deadlineMs - (Date.now() - started));
    const totals = (await this.daemon?.stop(left())) ?? {};
    await this.http.stop(left());
    return totals;
  }
}
