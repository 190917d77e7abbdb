// expect: serialize(): include <concurrent/futures/boost_serialization.hpp>
#include <concurrent/futures/codec.hpp>
// Missing: #include <concurrent/futures/boost_serialization.hpp>

#include <vector>

struct record { // an aggregate, but serialize() decides how it is encoded
  int id;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& id;
  }
};

void f(record const& r) {
  std::vector<std::byte> out;
  concurrent::futures::codec_writer w(out);
  w.write(r);
}
