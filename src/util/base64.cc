#include "util/base64.h"

#include <array>
#include <cstdint>

// Hand-written (a table lookup per character) so that util, which every module links, needs no
// crypto library; the strictness matches libsodium's ORIGINAL variant that the modules used before.

namespace repram {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr int8_t kInvalid = -1;

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  table.fill(kInvalid);
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kDecodeTable = MakeDecodeTable();

int8_t Sextet(char c) { return kDecodeTable[static_cast<unsigned char>(c)]; }

}  // namespace

void AppendBase64(std::string& out, std::string_view bytes) {
  const size_t at = out.size();
  out.resize(at + (bytes.size() + 2) / 3 * 4);
  char* dst = out.data() + at;
  const auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])); };
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3, dst += 4) {
    const uint32_t group = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    dst[0] = kAlphabet[group >> 18];
    dst[1] = kAlphabet[(group >> 12) & 63];
    dst[2] = kAlphabet[(group >> 6) & 63];
    dst[3] = kAlphabet[group & 63];
  }
  const size_t left = bytes.size() - i;
  if (left > 0) {
    const uint32_t group = byte(i) << 16 | (left == 2 ? byte(i + 1) << 8 : 0);
    dst[0] = kAlphabet[group >> 18];
    dst[1] = kAlphabet[(group >> 12) & 63];
    dst[2] = left == 2 ? kAlphabet[(group >> 6) & 63] : '=';
    dst[3] = '=';
  }
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out;
  AppendBase64(out, bytes);
  return out;
}

std::optional<std::string> DecodeBase64Strict(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  const size_t padding = text.empty()                           ? 0
                         : text.substr(text.size() - 2) == "==" ? 2
                         : text.back() == '='                   ? 1
                                                                : 0;
  std::string out(text.size() / 4 * 3 - padding, '\0');
  char* dst = out.data();
  // Full groups: any invalid character (including a '=' before the end) makes the OR negative.
  const size_t full = padding == 0 ? text.size() : text.size() - 4;
  for (size_t i = 0; i < full; i += 4, dst += 3) {
    const int32_t a = Sextet(text[i]), b = Sextet(text[i + 1]), c = Sextet(text[i + 2]),
                  d = Sextet(text[i + 3]);
    if ((a | b | c | d) < 0) return std::nullopt;
    const uint32_t group = static_cast<uint32_t>(a) << 18 | static_cast<uint32_t>(b) << 12 |
                           static_cast<uint32_t>(c) << 6 | static_cast<uint32_t>(d);
    dst[0] = static_cast<char>(group >> 16);
    dst[1] = static_cast<char>(group >> 8 & 0xFF);
    dst[2] = static_cast<char>(group & 0xFF);
  }
  if (padding == 0) return out;
  // The last group: 2 or 3 data characters, then the padding; unused trailing bits must be zero
  // (the canonical encoding only).
  const std::string_view last = text.substr(full);
  const int32_t a = Sextet(last[0]), b = Sextet(last[1]), c = padding == 1 ? Sextet(last[2]) : 0;
  if ((a | b | c) < 0) return std::nullopt;
  const uint32_t group = static_cast<uint32_t>(a) << 18 | static_cast<uint32_t>(b) << 12 |
                         static_cast<uint32_t>(c) << 6;
  if ((group & (padding == 2 ? 0xFFFF : 0xFF)) != 0) return std::nullopt;
  dst[0] = static_cast<char>(group >> 16);
  if (padding == 1) dst[1] = static_cast<char>(group >> 8 & 0xFF);
  return out;
}

}  // namespace repram
