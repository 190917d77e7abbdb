// expect: A lambda with captures cannot cross a process boundary: use a struct
#include <concurrent/futures/codec.hpp>

#include <vector>

void f(int k) {
  auto add_k = [k](int x) { return x + k; };
  std::vector<std::byte> out;
  concurrent::futures::codec_writer w(out);
  w.write(add_k);
}
