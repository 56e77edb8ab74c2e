#pragma once

#include <string>
#include <utility>
#include <variant>

namespace repram {

// Outcome codes used inside the node; the HTTP edge maps them to statuses and texts.
enum class StatusCode {
  kOk,
  kInvalidArgument,
  kNotFound,
  kFull,
  kPermissionDenied,
  kUnavailable,
  kInternal
};

// A code plus a human-readable message (LevelDB style), and whether it was already logged. Cheap
// to copy when OK.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return {}; }

  // Returns this status marked as already logged by the code that produced it (with more detail
  // than the message), so whoever receives it must not log it again.
  Status MarkedLogged() && {
    logged_ = true;
    return std::move(*this);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Returns true when the producer already logged this status (see MarkedLogged).
  bool logged() const { return logged_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  bool logged_ = false;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }
  // Returns the error; REQUIRES: !ok().
  const Status& status() const { return std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace repram
