#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace repram::cluster {

// Typed readers for members of a parsed JSON object with Go decoding rules (cluster.md §3.2):
// an absent or null member leaves `out` unchanged and succeeds; a member of the wrong type fails.
// Hand-written because nlohmann's get<T>() converts 300.5 to 300 and "300" fails only by throwing.

// Reads a string member. Returns false when present with another type.
bool ReadString(const nlohmann::json& obj, std::string_view name, std::string& out);

// Reads a string member of at most max_bytes bytes. Returns false when present with another type
// or longer (checked before copying).
bool ReadString(const nlohmann::json& obj, std::string_view name, size_t max_bytes,
                std::string& out);

// Reads an integer member within [min, max]. Returns false for a non-integer (300.5, "300") or
// a value out of range.
bool ReadInt(const nlohmann::json& obj, std::string_view name, int64_t min, int64_t max,
             int64_t& out);

// Reads a port member: any int64 integer is accepted (cluster.md §3.2 checks only the type); a
// value outside 0..65535 is stored as 0, which no peer can have (Membership rejects it like any
// http_port outside 1..65535). Returns false for a non-integer or an integer beyond int64.
bool ReadPort(const nlohmann::json& obj, std::string_view name, uint16_t& out);

// Returns whether obj has the member with a non-null value.
bool HasMember(const nlohmann::json& obj, std::string_view name);

}  // namespace repram::cluster
