/**
 * The metric names soakbench exports, the required ones (docs/architecture.md "Metrics") plus the
 * others of docs/metrics.md), and the prom-client Node.js default metrics (node_modules/prom-client/lib/metrics/).
 * Dashboards and rules may use these names only (plus recording rules they define).
 */
export const SOAKBENCH_METRICS: readonly string[] = [
  'soakbench_messages_sent_total',
  'soakbench_bytes_sent_total',
  'soakbench_send_errors_total',
  'soakbench_messages_received_total',
  'soakbench_bytes_received_total',
  'soakbench_publish_latency_seconds',
  'soakbench_publish_delay_seconds',
  'soakbench_publish_response_time_seconds',
  'soakbench_end_to_end_latency_seconds',
  'soakbench_target_rate',
  'soakbench_consumer_backlog_messages',
  'soakbench_messages_lost_total',
  'soakbench_messages_duplicated_total',
  'soakbench_messages_out_of_order_total',
  'soakbench_controller_state',
  'soakbench_generator_saturated',
  'soakbench_info',
  'soakbench_messages_late_total',
  'soakbench_inflight_messages',
  'soakbench_paused',
  'soakbench_ready',
  'soakbench_profile_step',
  'soakbench_profile_overridden',
  'soakbench_slo_ok',
  'soakbench_controller_decisions_total',
  'soakbench_controller_last_cut_rate',
  'soakbench_controller_best_rate',
  'soakbench_slo_p99_target_seconds',
  'soakbench_worker_restarts_total',
  'soakbench_producer_processes',
  'soakbench_latency_overflow_total',
  'soakbench_librdkafka_broker_rtt_seconds',
  'soakbench_librdkafka_broker_throttle_seconds',
  'soakbench_librdkafka_broker_requests_waiting',
  'soakbench_librdkafka_broker_state',
  'soakbench_librdkafka_queue_messages',
  'soakbench_librdkafka_tx_retries_total',
  'soakbench_fleet_share',
  'soakbench_fleet_members',
  'soakbench_fleet_target_rate',
];

/** Histograms: queries may use their `_bucket`, `_sum` and `_count` series. */
export const HISTOGRAMS: readonly string[] = [
  'soakbench_publish_latency_seconds',
  'soakbench_publish_delay_seconds',
  'soakbench_publish_response_time_seconds',
  'soakbench_end_to_end_latency_seconds',
  'nodejs_gc_duration_seconds',
];

/** prom-client's collectDefaultMetrics() names (version 15, no prefix). */
export const NODE_DEFAULT_METRICS: readonly string[] = [
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes',
  'nodejs_version_info',
  'nodejs_gc_duration_seconds',
];

/** Series Prometheus itself adds for every target. */
export const PROMETHEUS_SYNTHETIC: readonly string[] = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
];

/** True when `name` is an exported series (a histogram's `_bucket`/`_sum`/`_count` included). */
export function isExportedSeries(name: string): boolean {
  if (SOAKBENCH_METRICS.includes(name) || NODE_DEFAULT_METRICS.includes(name)) return true;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
  return histogram !== null && HISTOGRAMS.includes(histogram[1]!);
}
