// The one import of the Kafka client in the whole code base (docs/architecture.md, "Seams").
// It is a CommonJS module: under ESM its exports arrive on the default export.
import KafkaModule from '@confluentinc/kafka-javascript';

export const Kafka = KafkaModule;
export type {
  IAdminClient,
  KafkaConsumer as RdKafkaConsumer,
  LibrdKafkaError,
  Message as RdMessage,
  Producer as RdKafkaProducer,
} from '@confluentinc/kafka-javascript';
