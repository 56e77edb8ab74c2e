#include "store/entry.h"

#include <new>

#include "util/secure_wipe.h"

namespace repram::store {

Entry* Entry::Create(std::string_view key, std::string_view value, int64_t expires_ns,
                     uint32_t ttl_seconds) {
  void* mem = ::operator new(AllocationSize(key.size(), value.size()));
  auto* e = new (mem) Entry(expires_ns, static_cast<uint32_t>(value.size()), ttl_seconds);
  const auto key_size = static_cast<uint16_t>(key.size());
  char* tail = e->Tail();
  std::memcpy(tail, &key_size, sizeof key_size);
  std::memcpy(tail + sizeof key_size, key.data(), key.size());
  if (!value.empty()) std::memcpy(tail + sizeof key_size + key.size(), value.data(), value.size());
  return e;
}

void Entry::Destroy(Entry* e) {
  if (e == nullptr) return;
  // Expiry, overwrite and shutdown all end here: the key and value bytes are zeroed before the
  // allocator gets them back (README "Expiry is destruction").
  SecureWipe(e->Tail(), sizeof(uint16_t) + e->key_size() + e->value_size_);
  e->~Entry();  // the auto_unlink hook unlinks itself from its bucket
  ::operator delete(static_cast<void*>(e));
}

}  // namespace repram::store
