#include "app/key_listing.h"

#include "util/strings.h"

namespace repram {

KeyListingBody::KeyListingBody(const TtlStore& store, std::string_view prefix,
                               std::string_view cursor, int64_t limit, size_t part_bytes)
    : scanner_(store.ScanKeys(prefix, cursor)),
      max_keys_(limit > 0 ? static_cast<uint64_t>(limit) : ~uint64_t{0}),
      part_bytes_(part_bytes) {}

bool KeyListingBody::Next(std::string& out) {
  if (done_) return false;
  const size_t start = out.size();
  if (!started_) {
    started_ = true;
    out.append(R"({"keys":[)");
  }
  for (const ScannedEntry* e = scanner_.Next(); e != nullptr; e = scanner_.Next()) {
    if (written_ == max_keys_) {
      // Truncated: the cursor is the last key written.
      out.append(R"(],"next_cursor":)");
      AppendJsonString(out, last_key_);
      out.append("}\n");
      done_ = true;
      return false;
    }
    if (written_ > 0) out.push_back(',');
    AppendJsonString(out, e->key);
    ++written_;
    if (written_ == max_keys_) last_key_ = e->key;
    if (out.size() - start >= part_bytes_) return true;
  }
  out.append("]}\n");
  done_ = true;
  return false;
}

}  // namespace repram
