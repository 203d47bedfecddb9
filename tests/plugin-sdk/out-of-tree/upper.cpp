#include <locale>
#include <txform/plugin.hpp>
struct Upper {
  txform::Status process(const txform::RecordView& in, txform::Emitter& out) {
    std::string value(in.value());
    std::use_facet<std::ctype<char>>(std::locale()).toupper(&value[0], &value[0] + value.size());
    return out.emit(in.with_value(value));
  }
};
TXFORM_PLUGIN(Upper, "upper", "1.0.0")
