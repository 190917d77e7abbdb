// expect: pass the value (e.g. std::string instead of char const*) or an index
#include <concurrent/futures/codec.hpp>

#include <vector>

void f(char const* name) {
  std::vector<std::byte> out;
  concurrent::futures::codec_writer w(out);
  w.write(name); // the address, meaningless in another process
}
