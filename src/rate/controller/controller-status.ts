import type { ControllerSettings } from './controller-settings.js';
import type { ControllerState } from './decision.js';
import type { Thresholds } from './interval-counts.js';

/** A remembered rate and when it was set (controller clock, ns). */
export interface RateMark {
  rate: number;
  atNs: number;
}

/** The last cut: from which rate, to which target, when and why. */
export interface CutRecord {
  fromRate: number;
  toRate: number;
  atNs: number;
  reason: string;
}

/** What GET /controller shows besides the settings. */
export interface ControllerStatus {
  mode: 'adaptive' | 'fixed';
  state: ControllerState;
  /** Rate in force, msg/s. */
  rate: number;
  /** Highest rate believed sustainable (the last accepted probe or drained target), msg/s; 0 before any. */
  bestRate: number;
  lastCut: CutRecord | undefined;
  /** hiMem: the last rate that failed, while remembered (failMemoryMs). */
  failingRate: RateMark | undefined;
  /** The broker quota estimated from throttle time, msg/s, until a probe shows it lifted; undefined if none. */
  quotaRate: number | undefined;
  generatorLimited: boolean;
  /** Lowest interval p99 seen since adaptive mode (re)started, ms. */
  latencyFloorMs: number | undefined;
  /** The latency thresholds in force, ms. */
  thresholds: Thresholds;
  settings: Readonly<ControllerSettings>;
}
