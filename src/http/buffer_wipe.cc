#include "http/buffer_wipe.h"

#include <algorithm>

#include "util/secure_wipe.h"

namespace repram::http {

void WipeEmptyBuffer(boost::beast::flat_buffer& buffer, size_t& dirty) noexcept {
  if (dirty == 0 || buffer.size() != 0) return;
  // With nothing readable, prepare() hands out the storage from its start, within capacity.
  const auto storage = buffer.prepare(std::min(dirty, buffer.capacity()));
  SecureWipe(storage.data(), storage.size());
  dirty = 0;
}

}  // namespace repram::http
