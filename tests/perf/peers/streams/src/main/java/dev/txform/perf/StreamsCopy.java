package dev.txform.perf;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The benchmark's Kafka Streams peer: copies every record of one topic to another under
 * exactly_once_v2, THREADS stream threads (default 1), byte-array serdes. On SIGTERM it prints its
 * commit metrics (one stream thread's when there are several) as one JSON line (prefix
 * STREAMS_METRICS) and closes, which commits the open transaction.
 *
 * <p>Usage: StreamsCopy BOOTSTRAP APPLICATION_ID INPUT OUTPUT COMMIT_INTERVAL_MS STATE_DIR [THREADS]
 */
public final class StreamsCopy {
  private StreamsCopy() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6 && args.length != 7) {
      System.err.println(
          "usage: StreamsCopy BOOTSTRAP APPLICATION_ID INPUT OUTPUT COMMIT_INTERVAL_MS STATE_DIR"
              + " [THREADS]");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, args[4]);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, args.length == 7 ? args[6] : "1");
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
    // A stateless topology keeps nothing there, but Streams locks its task directories in it.
    props.put(StreamsConfig.STATE_DIR_CONFIG, args[5]);
    // The input is pre-filled before the application starts: read it from the beginning.
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // Thread-level commit metrics (commit-latency-*) are recorded at INFO already; DEBUG adds
    // nothing we read and costs throughput.
    props.put(StreamsConfig.METRICS_RECORDING_LEVEL_CONFIG, "INFO");

    StreamsBuilder builder = new StreamsBuilder();
    builder.<byte[], byte[]>stream(args[2]).to(args[3]);
    KafkaStreams streams = new KafkaStreams(builder.build(), props);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Read the metrics before close(): closing unregisters them.
                  System.out.println("STREAMS_METRICS " + commitMetricsJson(streams));
                  System.out.flush();
                  streams.close();
                  stopped.countDown();
                }));
    streams.start();
    stopped.await();
  }

  /** Thread-level commit metrics and the producer's transaction timers, as a flat JSON object. */
  private static String commitMetricsJson(KafkaStreams streams) {
    Map<String, Object> picked = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      boolean threadCommit =
          name.group().equals("stream-thread-metrics") && name.name().startsWith("commit-");
      boolean producerTxn =
          name.group().equals("producer-metrics") && name.name().startsWith("txn-");
      if (threadCommit || producerTxn) picked.put(name.name(), e.getValue().metricValue());
    }
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Object> e : picked.entrySet()) {
      if (json.length() > 1) json.append(',');
      Object v = e.getValue();
      boolean number = v instanceof Number && !Double.isNaN(((Number) v).doubleValue())
          && !Double.isInfinite(((Number) v).doubleValue());
      json.append('"').append(e.getKey()).append("\":").append(number ? v.toString() : "null");
    }
    return json.append('}').toString();
  }
}
