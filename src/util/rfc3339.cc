#include "util/rfc3339.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace repram {
namespace {

// Breaks Unix seconds into UTC calendar fields; false when the C library cannot represent them.
bool UtcFields(int64_t unix_seconds, std::tm& tm) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  return gmtime_r(&t, &tm) != nullptr;
}

std::string FormatDateTime(const std::tm& tm) {
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Reads exactly n ASCII digits at s[pos] into out and advances pos.
bool Digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (s.size() - pos < n) return false;
  out = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string FormatRfc3339Millis(WallTime t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  std::tm tm{};
  UtcFields(secs, tm);
  return fmt::format("{}.{:03}Z", FormatDateTime(tm), ms - secs * 1000);
}

std::string FormatRfc3339Seconds(int64_t unix_seconds) {
  std::tm tm{};
  if (!UtcFields(unix_seconds, tm)) return std::to_string(unix_seconds);
  return FormatDateTime(tm) + "Z";
}

std::optional<WallTime> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 4, year) || !Expect(s, pos, '-') || !Digits(s, pos, 2, month) ||
      !Expect(s, pos, '-') || !Digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
  ++pos;
  if (!Digits(s, pos, 2, hour) || !Expect(s, pos, ':') || !Digits(s, pos, 2, minute) ||
      !Expect(s, pos, ':') || !Digits(s, pos, 2, second)) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;

  int64_t nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t start = pos;
    int64_t scale = 100'000'000;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      nanos += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }

  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!Digits(s, pos, 2, oh) || !Expect(s, pos, ':') || !Digits(s, pos, 2, om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  const sys_time<nanoseconds> t = sys_days(date) + hours(hour) + minutes(minute) + seconds(second) +
                                  nanoseconds(nanos) - minutes(offset_minutes);
  return time_point_cast<WallTime::duration>(t);
}

}  // namespace repram
