#include "kafka/client.hpp"

namespace txform::kafka {

KafkaPtr new_client(rd_kafka_type_t type, ConfPtr conf, std::string& error) {
  char errstr[512];
  KafkaPtr client(rd_kafka_new(type, conf.get(), errstr, sizeof errstr));
  if (!client) {
    error = errstr;
    return client;
  }
  conf.release();  // rd_kafka_new took it
  return client;
}

}  // namespace txform::kafka
