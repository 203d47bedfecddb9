#include "app/admin_client.hpp"

#include <stdexcept>

#include "config/properties.hpp"
#include "kafka/client.hpp"

namespace txform::app {

kafka::KafkaPtr admin_client(const config::v1::Config* config, const std::string& bootstrap) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  if (config != nullptr) {
    config::apply_properties(conf.get(), config::producer_properties(*config, 0));
    // Without a transactional.id the producer never talks to a transaction coordinator.
    rd_kafka_conf_set(conf.get(), "transactional.id", nullptr, errstr, sizeof errstr);
  }
  if (!bootstrap.empty() && rd_kafka_conf_set(conf.get(), "bootstrap.servers", bootstrap.c_str(),
                                              errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(errstr);
  }
  std::string error;
  kafka::KafkaPtr client = kafka::new_client(RD_KAFKA_PRODUCER, std::move(conf), error);
  if (!client) throw std::runtime_error("cannot create a client: " + error);
  return client;
}

}  // namespace txform::app
