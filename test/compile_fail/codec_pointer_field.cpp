// expect: a pointer cannot cross a process boundary
#include <concurrent/futures/codec.hpp>

#include <vector>

struct request { // the culprit is named even inside an aggregate in a vector
  int id;
  char const* name;
};

void f() {
  concurrent::futures::detail::require_codable<std::vector<request>>();
}
