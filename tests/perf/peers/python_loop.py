#!/usr/bin/env python3
"""The benchmark's Python peer: the batched read-process-write loop with confluent-kafka as the
article "exactly-once processing in Apache Kafka" describes it — a read_committed consumer with
auto commit off, a transactional producer, a transaction begun at the first record after a commit
and committed every commit_every_s with send_offsets_to_transaction and the consumer's group
metadata. process_message is the identity, like txform's passthrough plugin.

On SIGTERM/SIGINT it commits the open transaction, closes, and prints one JSON line (prefix
PYTHON_LOOP_STATS) with its commit latencies (send_offsets_to_transaction + commit_transaction,
timed here) and the number of committed transactions.

  python_loop.py --bootstrap B --group G --input IN --output OUT --commit-every-s 0.1
"""
import argparse
import json
import signal
import sys
from time import monotonic

from confluent_kafka import Consumer, Producer, TopicPartition

args = None
consumer = None
producer = None
offsets_to_commit = {}  # {(topic, partition): next offset to read}
last_commit = monotonic()
is_in_tx = False
stopping = False
commit_seconds = []  # one entry per committed transaction


def process_message(message):
    return message.value()


def commit_transaction():
    global is_in_tx, last_commit, offsets_to_commit
    commit_list = [TopicPartition(t, p, o) for (t, p), o in offsets_to_commit.items()]
    started = monotonic()
    producer.send_offsets_to_transaction(commit_list, consumer.consumer_group_metadata())
    producer.commit_transaction()
    commit_seconds.append(monotonic() - started)
    is_in_tx = False
    last_commit = monotonic()
    offsets_to_commit = {}


def begin_transaction():
    global is_in_tx, last_commit
    producer.begin_transaction()
    is_in_tx = True
    last_commit = monotonic()


def produce(value, key):
    # The article's loop calls produce() bare; at benchmark rates librdkafka's queue fills up,
    # and the documented answer to BufferError is to serve delivery reports and try again.
    while True:
        try:
            producer.produce(args.output, value, key)
            return
        except BufferError:
            producer.poll(0.05)


def request_stop(signum, frame):
    global stopping
    stopping = True


def main():
    global args, consumer, producer
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--transactional-id", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--commit-every-s", type=float, default=1.0)
    args = parser.parse_args()

    producer = Producer({
        "bootstrap.servers": args.bootstrap,
        "transactional.id": args.transactional_id,
        # As the article says: Java-compatible partitioning from a non-Java client.
        "partitioner": "murmur2_random",
    })
    producer.init_transactions()
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": args.group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,  # offsets ride in the transaction
        "isolation.level": "read_committed",
    })
    consumer.subscribe([args.input])
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    while not stopping:
        if monotonic() - last_commit > args.commit_every_s and is_in_tx:
            commit_transaction()
        message = consumer.poll(0.1)
        if message is None:
            continue
        if message.error():
            raise Exception(message.error())
        if not is_in_tx:
            begin_transaction()
        produce(process_message(message), message.key())
        offsets_to_commit[(message.topic(), message.partition())] = message.offset() + 1

    if is_in_tx:
        commit_transaction()
    consumer.close()
    producer.flush()
    print("PYTHON_LOOP_STATS " + json.dumps({"commit_seconds": commit_seconds}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
