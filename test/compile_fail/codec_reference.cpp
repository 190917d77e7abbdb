// expect: a reference cannot cross a process boundary
#include <concurrent/futures/codec.hpp>

#include <string>

template <class T>
void submit(T&&) {
  concurrent::futures::detail::require_codable<T>(); // T = std::string&
}

void f(std::string& s) {
  submit(s);
}
