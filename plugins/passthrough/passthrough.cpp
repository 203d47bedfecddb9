// passthrough: emits every record unchanged, without copying it.
#include <txform/plugin.hpp>

struct Passthrough {
  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    return out.emit(in);
  }
};

TXFORM_PLUGIN(Passthrough, "passthrough", "1.0.0")
