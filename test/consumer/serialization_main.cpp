// Built by each consumer test with the Boost.Serialization bridge's target
// (or pkg-config module) alone: it links without naming Boost.Serialization.
#include <concurrent/futures/boost_serialization.hpp>
#include <concurrent/futures/codec.hpp>

#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace cf = concurrent::futures;

// A type that crosses through its Boost.Serialization serialize().
class account {
public:
  account() = default;
  account(std::string owner, std::vector<int> history)
      : owner_(std::move(owner)), history_(std::move(history)) {}
  bool operator==(account const&) const = default;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& owner_& history_;
  }

private:
  std::string owner_;
  std::vector<int> history_;
};

int main() {
  account const sent("ada", {1, 2, 3});
  std::vector<std::byte> bytes;
  cf::codec_writer w(bytes);
  w.write(sent);
  cf::codec_reader r(bytes);
  account const received = r.read<account>();
  bool const ok = received == sent && r.remaining() == 0;
  std::printf("consumer_serialization: %zu bytes, %s\n", bytes.size(),
              ok ? "round trip" : "MISMATCH");
  return ok ? 0 : 1;
}
