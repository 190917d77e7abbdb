// expect: a member pointer cannot cross a process boundary
#include <concurrent/futures/codec.hpp>

struct point {
  int x;
  int y;
};

void f() {
  concurrent::futures::detail::require_codable<int point::*>();
}
