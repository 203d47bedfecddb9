// Creating a librdkafka client, with the one ownership rule of rd_kafka_new in one place.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>

#include "kafka/handles.hpp"

namespace txform::kafka {

// A client of `type` made from `conf`. rd_kafka_new takes the conf only when it succeeds: on
// failure the conf is freed here, and null is returned with librdkafka's reason in `error`.
KafkaPtr new_client(rd_kafka_type_t type, ConfPtr conf, std::string& error);

}  // namespace txform::kafka
