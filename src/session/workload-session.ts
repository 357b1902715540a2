import type { Clock } from '../clock.js';
import { SoakbenchError } from '../errors.js';
import type { IntegrityTracker } from '../integrity/integrity-tracker.js';
import type { ProfileProgress } from '../rate/rate-limiter.js';
import type { RateProfile } from '../rate/rate-profile.js';
import type { LoadEngine, Subscription } from '../worker/load-engine.js';
import type { Workload } from '../workload/workload.js';

/** How long a refused or abandoned engine may take to let go of its clients. */
const ABANDON_FLUSH_MS = 1_000;

export interface WorkloadSessionOptions {
  clock: Clock;
  integrity: IntegrityTracker;
  /** Builds a load engine for a workload at a rate (SessionGraph.newEngine). */
  newEngine: (workload: Workload, rate: number) => LoadEngine;
  workload: Workload;
  /** The target rate to start with. */
  rate: number;
}

/**
 * The running workload of `run` and `daemon`: one load engine at a time, its target rate and pause state
 * (kept across engines), and the swap to a new workload — new topics, producers and consumers up before
 * the old ones drain. An engine that is still starting when the session closes is stopped, not kept.
 */
export class WorkloadSession {
  /** The engine producing now; undefined until one started. */
  engine: LoadEngine | undefined;
  /** An engine whose start() is under way. */
  pending: LoadEngine | undefined;
  workload: Workload;
  /** The target rate (msg/s) given to every engine. */
  rate: number;
  paused = false;
  /** When the current engine became current: intervals that began earlier are partial. */
  producingSinceNs = Number.POSITIVE_INFINITY;
  private closedFlag = false;
  /** The rate profile every engine follows (docs/workloads.md "Rate profiles") and its t = 0. */
  private followed: { profile: RateProfile; startNs: number } | undefined;
  /** `setRate()` overrides the profile until `resumeProfile()`. */
  private overridden = false;
  private readonly o: WorkloadSessionOptions;

  constructor(options: WorkloadSessionOptions) {
    this.o = options;
    this.workload = options.workload;
    this.rate = options.rate;
  }

  /** True once stop() was called: no engine becomes current any more. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /**
   * Starts an engine for the session's workload and makes it current. With `holdSends` (or while paused)
   * it starts without sending; `resume()` releases it. Throws when it cannot start (its clients are
   * released first); returns false when the session closed meanwhile (the engine was stopped).
   */
  async start(options: { holdSends?: boolean } = {}): Promise<boolean> {
    const engine = await this.startEngine(this.workload, this.rate, options.holdSends === true);
    if (this.closedFlag) {
      await engine.stop({ flushMs: ABANDON_FLUSH_MS }).catch(() => {});
      return false;
    }
    this.becomeCurrent(engine);
    return true;
  }

  /**
   * Starts `workload` at `rate` beside the current engine and makes it current; returns the old engine,
   * still running: hand it to `retire()`. Throws (the old engine untouched) when the new one cannot start.
   */
  async replace(workload: Workload, rate: number): Promise<LoadEngine | undefined> {
    const next = await this.startEngine(workload, rate, false);
    const old = this.engine;
    this.workload = workload;
    this.becomeCurrent(next);
    this.setRate(rate);
    return old;
  }

  /** Drains and stops an engine that is no longer current. */
  async retire(old: LoadEngine | undefined, flushMs: number): Promise<void> {
    await old?.stop({ flushMs });
  }

  /** Sets a constant rate; while a profile is followed, overrides it until `resumeProfile()`. */
  setRate(rate: number): void {
    this.rate = rate;
    if (this.followed !== undefined) this.overridden = true;
    this.engine?.setRate(rate);
  }

  /** Follows `profile` from `startNs` (its t = 0), this engine and the next ones; ends an override. */
  followProfile(profile: RateProfile, startNs: number): void {
    this.followed = { profile, startNs };
    this.overridden = false;
    this.engine?.limiter.followProfile(profile, startNs);
  }

  /** Stops following a profile: the current rate (the profile's now) holds as a constant rate. */
  dropProfile(): void {
    if (this.followed === undefined) return;
    const rate = this.engine?.limiter.rate ?? this.rate;
    this.followed = undefined;
    this.overridden = false;
    this.rate = rate;
    // The limiter has no "unfollow": a constant rate overrides its profile for good (this engine only).
    this.engine?.setRate(rate);
  }

  /** Hands the rate back to the profile after an override; CONFLICT when there is no profile. */
  resumeProfile(): void {
    if (this.followed === undefined)
      throw new SoakbenchError('CONFLICT', 'there is no rate profile to resume');
    this.overridden = false;
    this.engine?.limiter.resumeProfile();
  }

  /** True when a profile is set (followed or overridden). */
  get hasProfile(): boolean {
    return this.followed !== undefined;
  }

  /** Progress through the profile (undefined without one); made on request, for /status and metrics. */
  profileProgress(): ProfileProgress | undefined {
    const f = this.followed;
    if (f === undefined) return undefined;
    const fromEngine = this.engine?.limiter.profileProgress();
    if (fromEngine !== undefined) return fromEngine;
    const t = (this.o.clock.nowNs() - f.startNs) / 1e9;
    return {
      overridden: this.overridden,
      seconds: t,
      stepIndex: f.profile.stepIndexAt(t),
      stepName: f.profile.stepNameAt(t),
      pass: f.profile.passAt(t),
      profileRate: f.profile.rateAt(t),
      ended: f.profile.ended(t),
    };
  }

  /** The target rate now: the profile's (unless overridden), else the constant rate. */
  get targetRate(): number {
    return this.engine?.limiter.rate ?? this.rate;
  }

  pause(): void {
    this.paused = true;
    this.engine?.pause();
  }

  resume(): void {
    this.paused = false;
    this.engine?.resume();
  }

  get topics(): string[] {
    return this.engine?.topics ?? [];
  }

  get subscriptions(): Subscription[] {
    return this.engine?.subscriptions ?? [];
  }

  get inFlight(): number {
    return this.engine?.inFlight ?? 0;
  }

  /** OMB's backlog per subscription of the current engine (empty before one runs). */
  backlogBySubscription(): number[] {
    return this.engine?.backlogBySubscription() ?? [];
  }

  totalBacklog(): number {
    return this.backlogBySubscription().reduce((a, b) => a + b, 0);
  }

  /** Decides reported sequence gaps whose sends settled; returns how many messages were found lost. */
  settleIntegrity(): number {
    return this.o.integrity.settle([this.engine, this.pending]);
  }

  /**
   * Closes the session: an engine still starting is stopped, then the current one (stop scheduling,
   * flush in-flight sends, consumers drain and commit, created topics deleted when configured).
   */
  async stop(options: { flushMs: number; drainMs?: number }): Promise<void> {
    this.closedFlag = true;
    await this.pending?.stop({ flushMs: ABANDON_FLUSH_MS }).catch(() => {});
    await this.engine?.stop(options);
  }

  private async startEngine(workload: Workload, rate: number, hold: boolean): Promise<LoadEngine> {
    const engine = this.o.newEngine(workload, rate);
    this.pending = engine;
    try {
      await engine.start({ paused: hold || this.paused });
      return engine;
    } catch (err) {
      await engine.stop({ flushMs: ABANDON_FLUSH_MS }).catch(() => {});
      throw err;
    } finally {
      if (this.pending === engine) this.pending = undefined;
    }
  }

  private becomeCurrent(engine: LoadEngine): void {
    this.engine = engine;
    const f = this.followed;
    if (f !== undefined) {
      engine.limiter.followProfile(f.profile, f.startNs);
      if (this.overridden) engine.setRate(this.rate);
    }
    this.producingSinceNs = this.o.clock.nowNs();
  }
}
