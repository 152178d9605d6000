// The one way a function of this project reports failure across a library boundary:
// `Result<T>` holds either the value or an `Error` (what went wrong and where).
//
// std::expected would do the same, but the clang-14 this project builds its fuzz targets with
// does not have it. `Result<T, E>` takes another error type where callers need more than a
// message (a list of problems, a typed reason); `Result<void>` is success or an error.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace lpe {

// What went wrong (`message`) and where (`where`: "file:line", a JSON pointer, a member path, a
// header name; empty when the message already says it).
struct Error {
  std::string message;
  std::string where;

  // "where: message", or the message alone.
  std::string to_string() const { return where.empty() ? message : where + ": " + message; }
  friend bool operator==(const Error&, const Error&) = default;
};

namespace result_detail {
[[noreturn]] inline void misuse(const char* what) {
  std::fprintf(stderr, "lpe: internal error: %s\n", what);
  std::abort();
}
}  // namespace result_detail

template <class T, class E = Error>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, std::remove_cvref_t<E>>,
                "a Result's value and error types must differ");

 public:
  // A value: anything T can be made from (but not the error type).
  template <class U = T, std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, Result> &&
                                              !std::is_same_v<std::remove_cvref_t<U>, E>,
                                          int> = 0>
  Result(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  // An error.
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return checked_value(); }
  const T& value() const& { return const_cast<Result*>(this)->checked_value(); }
  T&& value() && { return std::move(checked_value()); }
  T* operator->() { return &checked_value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return checked_value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(checked_value()); }

  const E& error() const& {
    if (ok()) result_detail::misuse("Result::error() on a value");
    return std::get<1>(state_);
  }
  E&& error() && {
    if (ok()) result_detail::misuse("Result::error() on a value");
    return std::move(std::get<1>(state_));
  }

 private:
  T& checked_value() {
    if (!ok()) result_detail::misuse("Result::value() on an error");
    return std::get<0>(state_);
  }

  std::variant<T, E> state_;
};

// Success without a value, or an error.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  Result(E error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }

  const E& error() const& {
    if (ok()) result_detail::misuse("Result::error() on success");
    return *error_;
  }

 private:
  std::optional<E> error_;
};

using Status = Result<void>;

// Shorthand for `return fail("what", "where");`.
inline Error fail(std::string message, std::string where = {}) {
  return Error{std::move(message), std::move(where)};
}

}  // namespace lpe
