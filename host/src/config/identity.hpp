// The instance's stable identity (transactional_id) and the ids each worker derives from it.
#pragma once

#include <string>

#include "config/substitute.hpp"
#include "txform/config.pb.h"

namespace txform::config {

// The documented default transactional_id: `<group_id>-<host>`, host from $HOSTNAME (the pod
// name in Kubernetes) or else gethostname().
std::string default_transactional_id(const std::string& group_id,
                                     const EnvLookup& env = process_env);

// Worker `worker_index`'s id: `<transactional_id>` with one worker, `<transactional_id>-<i>` with
// several. Used for transactional.id, group.instance.id and client.id alike, so they line up.
// Throws std::out_of_range when worker_index >= config.workers().
std::string worker_id(const v1::Config& config, unsigned worker_index);

}  // namespace txform::config
