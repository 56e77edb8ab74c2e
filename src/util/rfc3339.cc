#include "util/rfc3339.h"

#include <chrono>
#include <string_view>

namespace repram {
namespace {

// Years 0000-9999 are what RFC 3339 can write; seconds outside them are not dates.
constexpr int64_t kFirstSecond = -62167219200;  // 0000-01-01T00:00:00Z
constexpr int64_t kLastSecond = 253402300799;   // 9999-12-31T23:59:59Z

// Writes value as exactly `width` decimal digits ending just before end; returns the new start.
// Hand-written with the calendar arithmetic of std::chrono instead of gmtime_r + fmt: every GET
// formats X-Created-At, and gmtime_r takes glibc's process-wide time-zone lock.
char* PutDigits(char* end, int value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return end;
}

// Writes YYYY-MM-DDTHH:MM:SS of Unix seconds in [kFirstSecond, kLastSecond] to text.
void WriteDateTime(int64_t unix_seconds, char (&text)[19]) {
  using namespace std::chrono;
  const sys_seconds t{seconds(unix_seconds)};
  const sys_days day = floor<days>(t);
  const year_month_day date{day};
  const hh_mm_ss time{t - day};
  char* end = text + sizeof(text);
  end = PutDigits(end, static_cast<int>(time.seconds().count()), 2);
  *--end = ':';
  end = PutDigits(end, static_cast<int>(time.minutes().count()), 2);
  *--end = ':';
  end = PutDigits(end, static_cast<int>(time.hours().count()), 2);
  *--end = 'T';
  end = PutDigits(end, static_cast<int>(static_cast<unsigned>(date.day())), 2);
  *--end = '-';
  end = PutDigits(end, static_cast<int>(static_cast<unsigned>(date.month())), 2);
  *--end = '-';
  PutDigits(end, static_cast<int>(date.year()), 4);
}

// Returns YYYY-MM-DDTHH:MM:SS of Unix seconds in [kFirstSecond, kLastSecond], then tail. Each
// thread keeps the text of the last second it formatted: the timestamps of one burst of
// answers mostly share their second, and the calendar arithmetic is then skipped.
std::string FormatDateTime(int64_t unix_seconds, std::string_view tail) {
  thread_local int64_t cached_second = kFirstSecond - 1;  // outside the range: no entry yet
  thread_local char cached_text[19];
  if (unix_seconds != cached_second) {
    WriteDateTime(unix_seconds, cached_text);
    cached_second = unix_seconds;
  }
  std::string out;
  out.reserve(sizeof(cached_text) + tail.size());
  out.append(cached_text, sizeof(cached_text)).append(tail);
  return out;  // named, so that it is not copied
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
  using namespace std::chrono;
  // WallTime counts nanoseconds in 64 bits: years 1677-2262, always inside FormatDateTime's range.
  const seconds secs = floor<seconds>(t.time_since_epoch());
  const milliseconds millis = floor<milliseconds>(t.time_since_epoch()) - secs;
  char fraction[5] = {'.', '0', '0', '0', 'Z'};
  PutDigits(fraction + 4, static_cast<int>(millis.count()), 3);
  return FormatDateTime(secs.count(), std::string_view(fraction, sizeof(fraction)));
}

std::string FormatRfc3339Seconds(int64_t unix_seconds) {
  if (unix_seconds < kFirstSecond || unix_seconds > kLastSecond) {
    return std::to_string(unix_seconds);
  }
  return FormatDateTime(unix_seconds, "Z");
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
