// A client for metadata and admin requests (`txform check --connect`, `txform describe`).
#pragma once

#include <string>

#include "kafka/handles.hpp"
#include "txform/config.pb.h"

namespace txform::app {

// A plain producer handle: it asks for metadata and reads groups without joining one or fencing
// anyone. It has the pipeline's connection settings (TLS, SASL, ...) when `config` is given;
// `bootstrap`, when not empty, replaces its brokers. Throws config::ConfigError when librdkafka
// rejects the config's properties, std::runtime_error when the client cannot be made.
kafka::KafkaPtr admin_client(const config::v1::Config* config, const std::string& bootstrap);

}  // namespace txform::app
