// expect: no cf::codec<T>: specialize cf::codec<T>, make T an aggregate (Boost.PFR)
#include <concurrent/futures/codec.hpp>

#include <span>

class handle { // a constructor, so not an aggregate; no codec, no serialize()
public:
  explicit handle(int fd) : fd_(fd) {}

private:
  int fd_;
};

handle f(std::span<std::byte const> in) {
  concurrent::futures::codec_reader r(in);
  return r.read<handle>();
}
