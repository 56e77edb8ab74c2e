#include "trust/dns_records.h"

#include <optional>

#include "trust/verify.h"
#include "util/strings.h"

namespace repram::trust {

Result<std::vector<std::string>> UsableTxtRecords(std::string_view name,
                                                  const std::vector<std::string>& texts) {
  std::vector<std::string> records;
  for (const std::string& text : texts) {
    const std::string_view trimmed = TrimSpace(text);
    if (!trimmed.empty()) records.emplace_back(trimmed);
  }
  if (records.empty()) {
    const std::string n(name);
    return Status(StatusCode::kNotFound,
                  "lookup " + n + ": trust: TXT lookup for " + n + " returned no usable records");
  }
  return records;
}

Result<std::string> ParseBootstrapIndirection(const std::vector<std::string>& records) {
  for (const std::string& record : records) {
    size_t start = 0;
    while (start <= record.size()) {
      size_t semi = record.find(';', start);
      if (semi == std::string::npos) semi = record.size();
      const std::string_view field =
          TrimSpace(std::string_view(record).substr(start, semi - start));
      start = semi + 1;
      const size_t eq = field.find('=');
      if (eq == std::string_view::npos || TrimSpace(field.substr(0, eq)) != "omega") continue;
      const std::string_view target = TrimSpace(field.substr(eq + 1));
      if (target.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      "trust: bootstrap TXT record has empty omega= entry");
      }
      return std::string(target);
    }
  }
  return Status(StatusCode::kNotFound, "trust: bootstrap TXT record has no omega= entry");
}

Result<SignedList> SelectBestSignedList(std::string_view target,
                                        const std::vector<std::string>& records,
                                        std::span<const unsigned char> pubkey, int64_t now) {
  std::optional<SignedList> best;
  std::optional<Status> first_error;
  for (const std::string& record : records) {
    Result<SignedList> parsed = ParseSignedList(record);
    if (!parsed.ok()) {
      if (!first_error) {
        first_error = Status(parsed.status().code(),
                             "parse " + std::string(target) + ": " + parsed.status().message());
      }
      continue;
    }
    if (Status verified = VerifySignedList(*parsed, pubkey, now); !verified.ok()) {
      if (!first_error) {
        first_error =
            Status(verified.code(), "verify " + std::string(target) + ": " + verified.message());
      }
      continue;
    }
    if (!best || parsed->exp > best->exp) best = std::move(parsed).value();
  }
  if (best) return std::move(*best);
  if (first_error) return *first_error;
  return Status(StatusCode::kNotFound, "lookup " + std::string(target) + ": no records");
}

}  // namespace repram::trust
