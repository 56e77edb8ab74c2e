#include "cluster/json_fields.h"

#include <limits>

namespace repram::cluster {
namespace {

const nlohmann::json* Find(const nlohmann::json& obj, std::string_view name) {
  auto it = obj.find(std::string(name));
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

bool ReadString(const nlohmann::json& obj, std::string_view name, std::string& out) {
  const nlohmann::json* v = Find(obj, name);
  if (v == nullptr) return true;
  if (!v->is_string()) return false;
  out = v->get<std::string>();
  return true;
}

bool ReadString(const nlohmann::json& obj, std::string_view name, size_t max_bytes,
                std::string& out) {
  const nlohmann::json* v = Find(obj, name);
  if (v == nullptr) return true;
  if (!v->is_string() || v->get_ref<const std::string&>().size() > max_bytes) return false;
  out = v->get<std::string>();
  return true;
}

bool ReadInt(const nlohmann::json& obj, std::string_view name, int64_t min, int64_t max,
             int64_t& out) {
  const nlohmann::json* v = Find(obj, name);
  if (v == nullptr) return true;
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    const auto i = static_cast<int64_t>(u);
    if (i < min || i > max) return false;
    out = i;
    return true;
  }
  if (!v->is_number_integer()) return false;
  const auto i = v->get<int64_t>();
  if (i < min || i > max) return false;
  out = i;
  return true;
}

bool ReadPort(const nlohmann::json& obj, std::string_view name, uint16_t& out) {
  int64_t value = out;
  if (!ReadInt(obj, name, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
               value)) {
    return false;
  }
  out = value >= 0 && value <= std::numeric_limits<uint16_t>::max() ? static_cast<uint16_t>(value)
                                                                    : 0;
  return true;
}

bool HasMember(const nlohmann::json& obj, std::string_view name) {
  return Find(obj, name) != nullptr;
}

}  // namespace repram::cluster
