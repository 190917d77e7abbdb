// expect: std::function / std::move_only_function: its target cannot cross
#include <concurrent/futures/codec.hpp>

#include <functional>
#include <vector>

void f(std::function<int(int)> const& g) {
  std::vector<std::byte> out;
  concurrent::futures::codec_writer w(out);
  w.write(g);
}
