#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cluster/node_info.h"

namespace repram::cluster {

// A cursor over the canonical text our encoders write (compact, fixed key order, strings of
// printable ASCII without escapes): the fast paths of ParseMessage and ParseBootstrapResponse.
// Anything else is left to the DOM parser.
class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view text) : text_(text) {}

  bool Eat(char c) {
    if (pos_ == text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool AtEnd() const { return pos_ == text_.size(); }

  // Reads a string of bytes 0x20..0x7f other than '"' and '\\'.
  std::optional<std::string_view> String() {
    if (!Eat('"')) return std::nullopt;
    const size_t start = pos_;
    for (; pos_ < text_.size(); ++pos_) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') return text_.substr(start, pos_++ - start);
      if (c < 0x20 || c >= 0x80 || c == '\\') return std::nullopt;
    }
    return std::nullopt;
  }

  // Reads an integer of at most 18 digits (no overflow possible), without a leading zero, a
  // fraction or an exponent.
  std::optional<int64_t> Int() {
    const bool negative = Eat('-');
    const size_t start = pos_;
    int64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start == 18) return std::nullopt;  // longer: left to the tree parser
      value = value * 10 + (text_[pos_++] - '0');
    }
    const size_t digits = pos_ - start;
    if (digits == 0 || digits > 18 || (digits > 1 && text_[start] == '0')) return std::nullopt;
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      return std::nullopt;
    }
    return negative ? -value : value;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Reads a node object as WriteNodeInfo writes it: all five keys in wire order, ports in
// 0..65535, strings within their limits, the enclave normalized. Returns nullopt otherwise.
std::optional<NodeInfo> ReadCanonicalNode(CanonicalReader& r);

}  // namespace repram::cluster
