#include "trust/expires_in.h"

#include <limits>

namespace repram::trust {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

std::optional<int64_t> UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    default:
      return std::nullopt;
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes one or more digits at text[*i]; nullopt if there are none or on overflow.
std::optional<int64_t> TakeNumber(std::string_view text, size_t* i) {
  if (*i >= text.size() || !IsDigit(text[*i])) return std::nullopt;
  int64_t number = 0;
  for (; *i < text.size() && IsDigit(text[*i]); ++*i) {
    const int digit = text[*i] - '0';
    if (number > (kMax - digit) / 10) return std::nullopt;
    number = number * 10 + digit;
  }
  return number;
}

}  // namespace

std::optional<int64_t> ParseExpiresIn(std::string_view text) {
  size_t i = 0;
  std::optional<int64_t> first = TakeNumber(text, &i);
  if (first && i == text.size()) return first;  // plain seconds
  i = 0;
  int64_t total = 0;
  while (i < text.size()) {
    const std::optional<int64_t> number = TakeNumber(text, &i);
    if (!number || i >= text.size()) return std::nullopt;
    const std::optional<int64_t> unit = UnitSeconds(text[i++]);
    if (!unit || *number > (kMax - total) / *unit) return std::nullopt;
    total += *number * *unit;
  }
  return text.empty() ? std::nullopt : std::optional<int64_t>(total);
}

}  // namespace repram::trust
