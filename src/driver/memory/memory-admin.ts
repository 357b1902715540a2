import { SoakbenchError } from '../../errors.js';
import type { Admin, CreateTopicsOptions, CreateTopicsResult, TopicSpec } from '../driver.js';
import type { MemoryBroker } from './memory-broker.js';

/** Admin operations on the memory broker, with the Kafka admin's error codes and its created-topics memory. */
export class MemoryAdmin implements Admin {
  private readonly created = new Set<string>();
  private closed = false;

  constructor(private readonly broker: MemoryBroker) {}

  private check(doing: string): void {
    if (this.closed) throw new SoakbenchError('CLOSED', `${doing}: admin client is closed`);
    this.broker.checkUp(doing);
  }

  async createTopics(
    specs: readonly TopicSpec[],
    options: CreateTopicsOptions = {},
  ): Promise<CreateTopicsResult> {
    const result: CreateTopicsResult = { created: [], existing: [] };
    for (const spec of specs) {
      const doing = `creating topic ${spec.name}`;
      this.check(doing);
      if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
        throw new SoakbenchError(
          'KAFKA_ERROR',
          `${doing}: invalid partition count ${spec.partitions} (ERR_INVALID_PARTITIONS)`,
        );
      }
      if (this.broker.createTopic(spec.name, spec.partitions, spec.config ?? {})) {
        this.created.add(spec.name);
        result.created.push(spec.name);
      } else if (options.ifExists === 'reuse') {
        result.existing.push(spec.name);
      } else {
        throw new SoakbenchError(
          'KAFKA_TOPIC_EXISTS',
          `${doing}: topic already exists (ERR_TOPIC_ALREADY_EXISTS)`,
        );
      }
    }
    return result;
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    for (const name of names) {
      this.check(`deleting topic ${name}`);
      this.broker.deleteTopic(name);
      this.created.delete(name);
    }
  }

  async deleteCreatedTopics(): Promise<string[]> {
    const names = [...this.created];
    await this.deleteTopics(names);
    return names;
  }

  async listTopics(): Promise<string[]> {
    this.check('listing topics');
    return this.broker.topicNames();
  }

  async describePartitions(names: readonly string[]): Promise<Map<string, number>> {
    this.check(`describing topics ${names.join(', ')}`);
    const out = new Map<string, number>();
    for (const name of names) {
      const topic = this.broker.topic(name);
      if (topic === undefined) {
        throw new SoakbenchError(
          'KAFKA_UNKNOWN_TOPIC',
          `describing topic ${name}: Broker: Unknown topic or partition (ERR_UNKNOWN_TOPIC_OR_PART)`,
        );
      }
      out.set(name, topic.partitions.length);
    }
    return out;
  }

  async countMessages(topic: string): Promise<number> {
    return (await this.endOffsets(topic)).reduce((sum, n) => sum + n, 0);
  }

  async activeGroups(groupIds: readonly string[]): Promise<string[]> {
    this.check(`describing groups ${groupIds.join(', ')}`);
    const active = new Set(this.broker.activeGroups());
    return groupIds.filter((g) => active.has(g));
  }

  async endOffsets(topic: string): Promise<number[]> {
    await this.describePartitions([topic]);
    return this.broker.topic(topic)!.partitions.map((p) => p.log.length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
