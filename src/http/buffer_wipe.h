#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <cstddef>

namespace repram::http {

// Zeroes every byte written into an empty flat_buffer since its last wipe and resets `dirty`,
// the number of bytes committed to it since then. A flat_buffer only moves its data towards the
// front and starts again at the front once emptied, so those bytes all lie within the first
// `dirty` bytes of its storage. REQUIRES: buffer.size() == 0.
void WipeEmptyBuffer(boost::beast::flat_buffer& buffer, size_t& dirty) noexcept;

}  // namespace repram::http
