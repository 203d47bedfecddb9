"""The harness's own Kafka work: topics, the pre-filled input, waiting for a consumer group to
commit the whole input, and counting what a read_committed consumer sees."""
import time

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


class Kafka:
    def __init__(self, bootstrap):
        self.bootstrap = bootstrap
        # Warnings and up: notices like "partition count changed" for every deleted topic are noise.
        self.admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 4})

    def create_topic(self, name, partitions):
        future = self.admin.create_topics([NewTopic(name, partitions, 1)], operation_timeout=30)[name]
        future.result()
        self._wait_for_metadata(name, partitions)

    def delete_topic(self, name):
        try:
            self.admin.delete_topics([name], operation_timeout=30)[name].result()
        except Exception:  # noqa: BLE001 — a topic that is gone already is fine
            pass

    def _wait_for_metadata(self, name, partitions, timeout_s=30):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            topic = self.admin.list_topics(name, timeout=10).topics.get(name)
            if topic and not topic.error and len(topic.partitions) == partitions and all(
                    p.leader >= 0 for p in topic.partitions.values()):
                return
            time.sleep(0.1)
        raise RuntimeError(f"topic {name} has no leaders after {timeout_s}s")

    def _consumer(self, group="txform-perf-probe", **extra):
        conf = {"bootstrap.servers": self.bootstrap, "group.id": group, "log_level": 4,
                "enable.auto.commit": False, "isolation.level": "read_committed"}
        conf.update(extra)
        return Consumer(conf)

    def end_offsets(self, topic, partitions):
        consumer = self._consumer()
        try:
            return [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                    for p in range(partitions)]
        finally:
            consumer.close()

    def wait_group_committed(self, group, topic, targets, alive, timeout_s):
        """Polls the group's committed offsets until every partition reached its target; returns
        the monotonic time it saw that. `alive()` false (the process exited) ends the wait after
        one last look. Raises TimeoutError, or RuntimeError when the process exited short."""
        request = [ConsumerGroupTopicPartitions(group, [TopicPartition(topic, p) for p in range(len(targets))])]
        deadline = time.monotonic() + timeout_s
        while True:
            running = alive()
            committed = self._committed(request, group)
            now = time.monotonic()
            # An empty partition never gets a committed offset (it stays at -1001).
            if committed and all(tp.offset >= target or target == 0 for tp, target in zip(committed, targets)):
                return now
            if not running:
                done = sum(max(tp.offset, 0) for tp in committed or [])
                raise RuntimeError(f"process exited with the group at {done} of {sum(targets)}")
            if now > deadline:
                raise TimeoutError(f"group {group} did not commit the input in {timeout_s:.0f}s")
            # 20 ms: fine enough against runs of seconds, light enough not to matter.
            time.sleep(0.02)

    def _committed(self, request, group):
        """The group's committed offsets, or None while the group does not answer yet. Not
        require_stable: a system that commits transactions back to back (the copier) would keep
        the answer 'unstable' all along; without it the broker answers with the offsets of
        committed transactions only, which is what 'done' means here."""
        try:
            future = self.admin.list_consumer_group_offsets(request, require_stable=False, request_timeout=10)[group]
            return sorted(future.result().topic_partitions, key=lambda tp: tp.partition)
        except KafkaException:
            return None

    def count_committed(self, topic, partitions, timeout_s=300):
        """Records a read_committed consumer reads from the whole topic (to the last stable
        offset of each partition)."""
        consumer = self._consumer(**{"enable.partition.eof": True, "fetch.max.bytes": 52428800})
        consumer.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
        count, at_end = 0, set()
        deadline = time.monotonic() + timeout_s
        try:
            while len(at_end) < partitions:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"counting {topic} took over {timeout_s}s")
                for message in consumer.consume(10000, timeout=1.0):
                    error = message.error()
                    if error is None:
                        count += 1
                        at_end.discard(message.partition())
                    elif error.code() == error._PARTITION_EOF:
                        at_end.add(message.partition())
                    else:
                        raise RuntimeError(f"counting {topic}: {error}")
            return count
        finally:
            consumer.close()
