// expect: std::string_view / std::span point into this process
#include <concurrent/futures/codec.hpp>

#include <string_view>

void f() {
  concurrent::futures::detail::require_codable<std::string_view>();
}
