#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/strings.h"

namespace repram {

// Builds compact JSON text with the node's string rules (AppendJsonString). Hand-written because
// nlohmann-json cannot emit Go's "\ufffd" escapes for invalid UTF-8 and its DOM costs allocations
// on the hot listing and gossip paths. The caller is responsible for well-formed nesting.
class JsonWriter {
 public:
  // Opens an object / array, as a value or (with a name) as a member.
  JsonWriter& BeginObject(std::string_view name = {}) {
    Name(name);
    out_.push_back('{');
    first_ = true;
    return *this;
  }
  JsonWriter& EndObject() {
    out_.push_back('}');
    first_ = false;
    return *this;
  }
  JsonWriter& BeginArray(std::string_view name = {}) {
    Name(name);
    out_.push_back('[');
    first_ = true;
    return *this;
  }
  JsonWriter& EndArray() {
    out_.push_back(']');
    first_ = false;
    return *this;
  }
  // Writes a member (name non-empty) or an array element (name empty).
  JsonWriter& String(std::string_view name, std::string_view value) {
    Name(name);
    AppendJsonString(out_, value);
    return *this;
  }
  JsonWriter& Int(std::string_view name, int64_t value) {
    Name(name);
    DecimalBuffer digits;
    out_.append(DecimalText(value, digits));
    return *this;
  }
  JsonWriter& Bool(std::string_view name, bool value) {
    Name(name);
    out_.append(value ? "true" : "false");
    return *this;
  }
  // Writes already-serialized JSON as a member or element.
  JsonWriter& Raw(std::string_view name, std::string_view json) {
    Name(name);
    out_.append(json);
    return *this;
  }

  // Reserves room for about `bytes` of text, so a writer that knows its size allocates once.
  JsonWriter& Reserve(size_t bytes) {
    out_.reserve(bytes);
    return *this;
  }

  // Returns the text; the writer may not be used afterwards.
  std::string Take() { return std::move(out_); }
  const std::string& text() const { return out_; }

 private:
  void Name(std::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    if (!name.empty()) {
      AppendJsonString(out_, name);
      out_.push_back(':');
    }
  }

  std::string out_;
  bool first_ = true;
};

}  // namespace repram
