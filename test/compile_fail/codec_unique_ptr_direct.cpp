// expect: a smart pointer (std::unique_ptr, std::shared_ptr, std::weak_ptr) cannot cross
#include <concurrent/futures/codec.hpp>

#include <memory>
#include <vector>

void f(std::unique_ptr<int> const& p) {
  std::vector<std::byte> out;
  concurrent::futures::codec_writer w(out);
  concurrent::futures::codec<std::unique_ptr<int>>::encode(w,
                                                           p); // codec<T> used directly
}
