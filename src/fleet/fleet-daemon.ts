import { hostname } from 'node:os';
import type { ControllerSettingsPatch, DaemonControl } from '../api/daemon-control.js';
import type { BacklogRequest } from '../api/schemas.js';
import { type Clock, systemClock } from '../clock.js';
import type { DaemonConfig } from '../config/daemon-config.js';
import { retryDelayMs } from '../daemon/connect-retry.js';
import { Daemon } from '../daemon/daemon.js';
import { daemonControllerSettings, daemonDriverOptions } from '../daemon/daemon-settings.js';
import { controllerView } from '../daemon/daemon-views.js';
import { HttpService } from '../daemon/http-service.js';
import type { DriverFactory } from '../driver/driver.js';
import { SoakbenchError } from '../errors.js';
import type { ReportedGap } from '../integrity/loss-ledger.js';
import type { Logger } from '../log/logger.js';
import { AdaptiveController } from '../rate/controller/adaptive-controller.js';
import type { ControlSample } from '../rate/controller/control-sample.js';
import type { ControllerSettings } from '../rate/controller/controller-settings.js';
import type { TestResult } from '../results/test-result.js';
import { DEFAULT_MAX_LATENCY_US } from '../stats/latency-recorder.js';
import type { DriverFile } from '../workload/driver-file.js';
import { driverSettings } from '../workload/driver-settings.js';
import { refuseUnsupported } from '../workload/supported.js';
import { findsSustainableRate, type Workload } from '../workload/workload.js';
import { parseWorkloadText } from '../workload/workload-parser.js';
import { FleetMember } from './fleet-member.js';
import {
  type ControlRecord,
  type DesiredState,
  effectiveRate,
  type FleetDecision,
  type FleetView,
  fleetRunTag,
  fleetView,
  type MemberRecord,
  SHARE_PARTITIONS,
  shareOf,
} from './fleet-records.js';
import { FleetSampleMerger, fleetSampleOf, RateTimeline } from './fleet-samples.js';

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
  /**
   * Over the fleet controller's settings (the config's, then the fleet's): component tests that host three
   * members in one process raise its generator thresholds (one event loop serves them all).
   */
  controllerSettings?: Partial<ControllerSettings>;
}

/** Bound on each attempt to join (create topics, read the control topic to its end). */
const JOIN_TIMEOUT_MS = 30_000;
/** How long a change waits until this member has applied it before answering anyway. */
const APPLY_WAIT_MS = 10_000;
const SWAP_WAIT_MS = 60_000;

/** Refuses what a fleet cannot run yet: it splits one fleet rate (fixed, or the fleet controller's). */
export function refuseForFleet(w: Workload, where: string): void {
  if (w.rateProfile !== undefined) {
    throw new SoakbenchError(
      'INVALID_WORKLOAD',
      `${where}: rateProfile is not supported in a fleet yet; give producerRate (the fleet's total, or 0 for the adaptive controller)`,
      { field: 'rateProfile' },
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
  /** The fleet controller's newest decision (adaptive mode; void for another desired-state version). */
  private decision: FleetDecision | undefined;
  private partitions = 0;
  /** This member holds the shares topic's partition 0: it runs the fleet's controller in adaptive mode. */
  private leads = false;
  /** The fleet's controller and its sample merger, while this member leads an adaptive fleet. */
  private control:
    | { controller: AdaptiveController; merger: FleetSampleMerger; settings: string }
    | undefined;
  /** A decision record is being written (one at a time; the controller decides again next interval). */
  private deciding = false;
  /** This member's own rate over time (0 while paused): what its samples were asked to send. */
  private readonly timeline = new RateTimeline();
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
      onControlSample: (sample, encodeResponse) => this.onOwnSample(sample, encodeResponse),
      fleetGauges: () => {
        const view = this.view();
        return {
          name: this.fleet,
          share: shareOf(this.partitions),
          members: view.totals.members,
          targetRate: this.desired?.paused ? 0 : this.fleetRate(),
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
    this.trackRate();
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
          ...this.rateOf(this.o.workload, undefined),
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

  /**
   * The mode and rate a workload gives the fleet: its producerRate (fixed), or for producerRate 0 the
   * adaptive controller, from the rate in force (`current`) or where a single daemon's controller starts.
   */
  private rateOf(w: Workload, current: number | undefined): { mode: 'fixed' | 'adaptive'; rate: number } {
    if (!findsSustainableRate(w)) return { mode: 'fixed', rate: w.producerRate };
    const start = new AdaptiveController(daemonControllerSettings(this.o.config, w), this.clock).rate;
    return { mode: 'adaptive', rate: current ?? start };
  }

  /** The fleet's rate now (the controller's in adaptive mode), 0 before the fleet's state is known. */
  private fleetRate(): number {
    return this.desired === undefined ? 0 : effectiveRate(this.desired, this.decision);
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
      onShare: (partitions, leads) => {
        if (partitions !== this.partitions || leads !== this.leads) {
          this.log.info(
            { fleet: this.fleet, partitions, of: SHARE_PARTITIONS, share: shareOf(partitions), leads },
            'fleet share changed',
          );
        }
        this.partitions = partitions;
        this.leads = leads;
        if (!leads) this.control = undefined;
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
    const rate = effectiveRate(d, this.decision);
    if (share === 0) return { rate: this.applied.rate > 0 ? this.applied.rate : rate, paused: true };
    return { rate: rate * share, paused: d.paused };
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
    } else if (r.kind === 'decision') {
      this.decision = r.decision;
      this.schedule();
    } else if (r.kind === 'sample') {
      if (r.sample.member !== this.memberId) this.control?.merger.offer(r.sample);
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

  /**
   * Each of this member's control intervals (its daemon's control loop). In an adaptive fleet a member that
   * does not lead publishes the interval's sample; the leader merges it with the others' and runs the
   * fleet's controller on the result, writing the rate it decides as a decision record.
   */
  private onOwnSample(sample: ControlSample, encodeResponse: () => string): void {
    // Every interval, in any mode: it also forgets the rates of intervals gone.
    const expected = this.timeline.expected(sample.nowNs - sample.intervalNs, sample.nowNs);
    const d = this.desired;
    if (d?.mode !== 'adaptive' || d.paused || this.stopped || this.member === undefined) {
      this.control = undefined;
      return;
    }
    const own = fleetSampleOf(
      this.memberId,
      shareOf(this.partitions),
      expected,
      sample,
      encodeResponse(),
      this.clock.wallMs(),
    );
    if (!this.leads) {
      this.control = undefined;
      this.member
        .publish({ kind: 'sample', sample: own })
        .catch((err: Error) => this.problem(`publishing a control sample failed: ${err.message}`));
      return;
    }
    const control = this.fleetControl(d);
    control.merger.offer(own);
    const merged = control.merger.merge(sample.nowNs, sample.intervalNs, control.controller.rate);
    if (merged === undefined) return;
    const decision = control.controller.update(merged);
    this.writeDecision(d, decision.rate, decision.state);
  }

  /**
   * The fleet's controller on this (leading) member: made when this member starts to lead an adaptive fleet,
   * starting from the fleet's rate (a new leader restarts the search there), and given the fleet's settings
   * whenever they change.
   */
  private fleetControl(d: DesiredState): NonNullable<FleetDaemon['control']> {
    const settings = JSON.stringify(d.controller);
    if (this.control === undefined) {
      const base = daemonControllerSettings(this.o.config, this.o.workload);
      const rate = effectiveRate(d, this.decision);
      const controller = new AdaptiveController(
        { ...base, ...d.controller, ...this.o.controllerSettings, mode: 'fixed', fixedRate: rate },
        this.clock,
      );
      controller.setMode('adaptive', rate);
      const staleNs = 3 * base.intervalMs! * 1e6;
      this.control = { controller, merger: new FleetSampleMerger(staleNs, DEFAULT_MAX_LATENCY_US), settings };
      this.log.info(
        { fleet: this.fleet, member: this.memberId, rate: controller.rate },
        "running the fleet's adaptive controller",
      );
    } else if (settings !== this.control.settings) {
      this.control.controller.configure(d.controller);
      this.control.settings = settings;
    }
    return this.control;
  }

  /** Writes the controller's rate for desired-state version `d.version` when it moved (one write at a time). */
  private writeDecision(d: DesiredState, rate: number, state: string): void {
    const member = this.member;
    const current = effectiveRate(d, this.decision);
    if (member === undefined || this.deciding || Math.abs(rate - current) < Math.max(0.5, current * 1e-4))
      return;
    this.deciding = true;
    member
      .publish({
        kind: 'decision',
        decision: {
          forVersion: d.version,
          rate,
          state: state.toLowerCase(),
          writer: this.memberId,
          writtenAtMs: this.clock.wallMs(),
        },
      })
      .catch((err: Error) => this.problem(`writing the fleet controller's rate failed: ${err.message}`))
      .finally(() => {
        this.deciding = false;
      });
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
      this.trackRate();
    } catch (err) {
      // Not running yet (still connecting), or a swap under way: try again shortly.
      this.problem(`applying the fleet's desired state version ${d.version}: ${(err as Error).message}`);
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.schedule(), 1_000);
      this.retryTimer.unref();
    }
  }

  /** Notes this member's rate in force (the samples' `expected`); the timeline keeps changes only. */
  private trackRate(): void {
    this.timeline.set(this.applied.paused ? 0 : this.applied.rate, this.clock.nowNs());
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
      leads: this.leads,
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

  /**
   * Writes a new desired state built from the newest one; resolves once this member has applied it (`applied`
   * true), or after `waitMs` without (false).
   */
  private async change(patch: Partial<DesiredState>, waitMs = APPLY_WAIT_MS): Promise<boolean> {
    const previous = this.desired;
    const member = this.member;
    if (previous === undefined || member === undefined || this.daemon === undefined)
      throw new SoakbenchError('CONFLICT', 'not a member of the fleet yet');
    const next: DesiredState = {
      ...previous,
      // The fleet's rate now: in adaptive mode the controller's decision, which the new version voids.
      rate: effectiveRate(previous, this.decision),
      ...patch,
      version: previous.version + 1,
      writer: this.memberId,
      writtenAtMs: this.clock.wallMs(),
    };
    await member.publish({ kind: 'desired', desired: next }, { readBack: true });
    return this.waitApplied(next.version, waitMs);
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
    const before = this.fleetRate();
    const applied = await this.change({ rate, mode: 'fixed' });
    this.log.info({ fleet: this.fleet, previous: before, rate }, 'fleet rate set');
    return { rate, previous: before, mode: 'fixed', ...this.fleetFields(applied) };
  }

  resumeProfile(): Record<string, unknown> {
    throw new SoakbenchError(
      'CONFLICT',
      'rate profiles are not supported in a fleet yet (PUT /rate sets the fleet rate)',
    );
  }

  /**
   * This member's own controller (fixed at its share of the fleet's rate) and, under `fleet`, the fleet's
   * mode, rate and leader; the leader of an adaptive fleet adds its controller's view.
   */
  controller(): Record<string, unknown> {
    const local = this.running().controller();
    const d = this.desired;
    // The live members' records (a SIGKILLed leader's last record says it leads until it goes stale).
    const leader = this.leads ? this.memberId : this.view().members.find((m) => m.leads)?.id;
    return {
      ...local,
      mode: d?.mode ?? 'fixed',
      fleet: {
        name: this.fleet,
        mode: d?.mode ?? 'fixed',
        rate: this.fleetRate(),
        memberRate: this.applied.rate,
        leader: leader ?? null,
        ...(this.control
          ? {
              controller: controllerView(this.control.controller, this.fleetRate()),
              membersSampled: this.control.merger.memberCount,
              shareSampled: this.control.merger.shareCounted,
            }
          : {}),
      },
    };
  }

  async updateController(patch: ControllerSettingsPatch): Promise<Record<string, unknown>> {
    const { mode, ...settings } = patch;
    const daemon = this.running();
    const controller = { ...this.desired?.controller, ...settings };
    // Validates (and applies here) first: a refused patch is never written for the others.
    daemon.updateController(controller);
    this.applied.controller = JSON.stringify(controller);
    try {
      const applied = await this.change({ controller, ...(mode === undefined ? {} : { mode }) });
      if (mode !== undefined) this.log.info({ fleet: this.fleet, mode }, 'fleet controller mode set');
      const view = this.controller();
      const change = this.fleetFields(applied).fleet as Record<string, unknown>;
      return { ...view, fleet: { ...(view.fleet as Record<string, unknown>), ...change } };
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
    const rate = this.rateOf(workload, this.fleetRate() || undefined);
    const applied = await this.change({ workload: text, workloadVersion: version, ...rate }, SWAP_WAIT_MS);
    const status = this.running().status() as { workload?: { topics?: string[] } };
    return {
      workload: workload.name,
      topics: status.workload?.topics ?? [],
      rate: rate.rate,
      mode: rate.mode,
      ...this.fleetFields(applied),
    };
  }

  startBacklog(_request: BacklogRequest): Record<string, unknown> {
    throw new SoakbenchError('CONFLICT', 'backlog mode is not supported in a fleet yet');
  }

  async pause(): Promise<Record<string, unknown>> {
    const applied = await this.change({ paused: true });
    this.log.info({ fleet: this.fleet }, 'fleet paused');
    return { paused: true, ...this.fleetFields(applied) };
  }

  async resume(): Promise<Record<string, unknown>> {
    const applied = await this.change({ paused: false });
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
      // In adaptive mode the fleet's rate is the controller's.
      desired: this.desired && { ...this.desired, rate: this.fleetRate() },
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
