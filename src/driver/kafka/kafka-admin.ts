import type { SoakbenchError } from '../../errors.js';
import type {
  Admin,
  ClientProperties,
  CreateTopicsOptions,
  CreateTopicsResult,
  TopicSpec,
} from '../driver.js';
import { type IAdminClient, Kafka } from './client.js';
import { errorNameOf, permanentConnectFailure, translateError } from './kafka-errors.js';

let pendingRequests = 0;
/** The first request's timeout (see KafkaAdmin.probe). */
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Admin requests waiting for the broker, process-wide. While one is pending, the client's native
 * teardown at process exit waits for it (up to its timeout), so a forced exit must not rely on exit().
 */
export function pendingAdminRequests(): number {
  return pendingRequests;
}

/** Runs one callback-style admin call as a promise, translating its error. */
function call<T>(doing: string, run: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  pendingRequests++;
  return new Promise<T>((resolve, reject) => {
    run((err, value) => (err ? reject(translateError(err, doing)) : resolve(value)));
  }).finally(() => {
    pendingRequests--;
  });
}

/**
 * Admin operations over librdkafka's AdminClient. Remembers the topics it created so that
 * `deleteCreatedTopics` removes those and never anybody else's. A broker that refuses our credentials
 * or our CA fails every pending and later call at once, instead of after the request timeout: the
 * client would retry forever, and `run` and /readyz should say why within seconds.
 */
export class KafkaAdmin implements Admin {
  private client: IAdminClient | undefined;
  private readonly created = new Set<string>();
  private closed = false;
  private failure: SoakbenchError | undefined;
  private readonly waiting = new Set<(err: SoakbenchError) => void>();
  private probed: Promise<void> | undefined;
  private pendingHere = 0;

  constructor(
    private readonly properties: ClientProperties,
    private readonly timeoutMs: number,
  ) {}

  private get admin(): IAdminClient {
    if (this.closed) throw translateError({ message: 'admin client is closed' }, 'admin');
    if (this.client === undefined) {
      try {
        this.client = Kafka.AdminClient.create(
          this.properties as never,
          {
            'event.log': (log: { severity: number; fac: string; message: string }) => {
              if (log.severity <= 3 && log.fac === 'FAIL')
                this.failWith(permanentConnectFailure(log.message));
            },
          } as never,
        );
      } catch (err) {
        throw translateError(err, 'creating the admin client');
      }
    }
    return this.client;
  }

  private failWith(err: SoakbenchError | undefined): void {
    if (err === undefined || this.failure !== undefined) return;
    this.failure = err;
    for (const reject of this.waiting) reject(err);
    this.waiting.clear();
  }

  /**
   * The first request is a metadata probe with a short timeout, so that after a permanent failure no
   * request is left pending for long: a pending native request holds the process at exit and blocks
   * disconnect() (measured: the full 30 s operation timeout). A probe that merely times out (a slow
   * cluster) lets the real request go on as before.
   */
  private probe(): Promise<void> {
    this.probed ??= new Promise<void>((resolve, reject) => {
      this.waiting.add(reject);
      call<unknown>('connecting', (cb) =>
        this.admin.listTopics({ timeout: Math.min(PROBE_TIMEOUT_MS, this.timeoutMs) }, cb),
      )
        .then(
          () => resolve(),
          () => (this.failure === undefined ? resolve() : reject(this.failure)),
        )
        .finally(() => this.waiting.delete(reject));
    });
    return this.probed;
  }

  /**
   * One metadata request within the admin's timeout, without the probe in front (which would double
   * the wait for a cluster that does not answer); a permanent failure (authentication, certificate)
   * still answers at once. For KafkaDriver.checkReachable.
   */
  async ping(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.waiting.add(reject);
      call<unknown>('listing topics', (cb) => this.admin.listTopics({ timeout: this.timeoutMs }, cb))
        .then(
          () => resolve(),
          (err: unknown) => reject(this.failure ?? err),
        )
        .finally(() => this.waiting.delete(reject));
    });
    this.probed ??= Promise.resolve();
  }

  /** `call`, failing early with a permanent connection failure. */
  private async call<T>(doing: string, run: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
    await this.probe();
    if (this.failure !== undefined) throw this.failure;
    this.pendingHere++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      call<T>(doing, run)
        .then(resolve, reject)
        .finally(() => {
          this.waiting.delete(reject);
          this.pendingHere--;
        });
    });
  }

  async createTopics(
    specs: readonly TopicSpec[],
    options: CreateTopicsOptions = {},
  ): Promise<CreateTopicsResult> {
    const result: CreateTopicsResult = { created: [], existing: [] };
    for (const spec of specs) {
      try {
        await this.call<void>(`creating topic ${spec.name}`, (cb) =>
          this.admin.createTopic(
            {
              topic: spec.name,
              num_partitions: spec.partitions,
              replication_factor: spec.replicationFactor,
              config: spec.config ?? {},
            },
            this.timeoutMs,
            (err) => cb(err, undefined),
          ),
        );
        this.created.add(spec.name);
        result.created.push(spec.name);
      } catch (err) {
        const e = translateError(err, `creating topic ${spec.name}`);
        if (e.code === 'KAFKA_TOPIC_EXISTS' && options.ifExists === 'reuse') {
          result.existing.push(spec.name);
          continue;
        }
        throw e;
      }
    }
    return result;
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.call<void>(`deleting topic ${name}`, (cb) =>
          this.admin.deleteTopic(name, this.timeoutMs, (err) => cb(err, undefined)),
        );
      } catch (err) {
        if (errorNameOf((err as { cause?: unknown }).cause) !== 'ERR_UNKNOWN_TOPIC_OR_PART') throw err;
      }
      this.created.delete(name);
    }
  }

  async deleteCreatedTopics(): Promise<string[]> {
    const names = [...this.created];
    await this.deleteTopics(names);
    return names;
  }

  listTopics(): Promise<string[]> {
    return this.call<string[]>('listing topics', (cb) =>
      this.admin.listTopics({ timeout: this.timeoutMs }, cb),
    );
  }

  async describePartitions(names: readonly string[]): Promise<Map<string, number>> {
    const descriptions = await this.call<{ name: string; partitions: unknown[]; error?: unknown }[]>(
      `describing topics ${names.join(', ')}`,
      (cb) => this.admin.describeTopics([...names], { timeout: this.timeoutMs }, cb as never),
    );
    const out = new Map<string, number>();
    for (const d of descriptions) {
      if (d.error) throw translateError(d.error, `describing topic ${d.name}`);
      out.set(d.name, d.partitions.length);
    }
    return out;
  }

  private async offsets(topic: string, spec: unknown): Promise<number[]> {
    const partitions = (await this.describePartitions([topic])).get(topic) ?? 0;
    const request = Array.from({ length: partitions }, (_, partition) => ({
      topic,
      partition,
      offset: spec,
    }));
    const answer = await this.call<{ partition: number; offset: number; error?: unknown }[]>(
      `reading offsets of ${topic}`,
      (cb) => this.admin.listOffsets(request as never, { timeout: this.timeoutMs }, cb as never),
    );
    const out = new Array<number>(partitions).fill(0);
    for (const r of answer) {
      if (r.error) throw translateError(r.error, `reading offsets of ${topic}/${r.partition}`);
      out[r.partition] = Number(r.offset);
    }
    return out;
  }

  async activeGroups(groupIds: readonly string[]): Promise<string[]> {
    if (groupIds.length === 0) return [];
    const result = await this.call<{ groups: { groupId: string; members: unknown[]; error?: unknown }[] }>(
      `describing groups ${groupIds.join(', ')}`,
      (cb) => this.admin.describeGroups([...groupIds], { timeout: this.timeoutMs }, cb as never),
    );
    return result.groups.filter((g) => !g.error && g.members.length > 0).map((g) => g.groupId);
  }

  endOffsets(topic: string): Promise<number[]> {
    return this.offsets(topic, Kafka.OffsetSpec.LATEST);
  }

  async countMessages(topic: string): Promise<number> {
    const [start, end] = await Promise.all([
      this.offsets(topic, Kafka.OffsetSpec.EARLIEST),
      this.endOffsets(topic),
    ]);
    return end.reduce((sum, e, i) => sum + (e - (start[i] ?? 0)), 0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    // disconnect() blocks the event loop until pending requests end: let them end first.
    const deadline = Date.now() + this.timeoutMs;
    while (this.pendingHere > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    client?.disconnect();
  }
}
