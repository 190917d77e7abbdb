//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_BOOST_SERIALIZATION_HPP
#define CONCURRENT_FUTURES_BOOST_SERIALIZATION_HPP

// The opt-in Boost.Serialization adapter of cf::codec. Include it in every
// translation unit that sends a type with a serialize() (member, or free with
// cf::use_boost_serialization), and link Boost::serialization.

#include <concurrent/futures/codec.hpp>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/basic_archive.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ios>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

namespace concurrent::futures::detail {

// Appends what an archive writes to the codec's buffer, with no buffer of
// its own, so the bytes are in place as soon as the archive wrote them.
class codec_output_streambuf final : public std::streambuf {
public:
  explicit codec_output_streambuf(std::vector<std::byte>& out) noexcept : out_(out) {}

protected:
  std::streamsize xsputn(char const* s, std::streamsize n) override {
    auto const* first = reinterpret_cast<std::byte const*>(s);
    out_.insert(out_.end(), first, first + n);
    return n;
  }
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      out_.push_back(static_cast<std::byte>(traits_type::to_char_type(ch)));
    }
    return traits_type::not_eof(ch);
  }

private:
  std::vector<std::byte>& out_;
};

// Reads an archive from a span of the codec's input, without copying it.
class codec_input_streambuf final : public std::streambuf {
public:
  explicit codec_input_streambuf(std::span<std::byte const> in) noexcept {
    // The get area is only read: no putback other than of the same character.
    auto* first = const_cast<char*>(reinterpret_cast<char const*>(in.data()));
    setg(first, first, first + in.size());
  }
};

// No header: both ends are the same build. No codecvt: the stream buffers
// above are raw bytes, and imbuing a locale per value would cost allocations.
inline constexpr unsigned boost_archive_flags =
    boost::archive::no_header | boost::archive::no_codecvt;

// A uint64 length, then a binary archive of the value.
template <class T>
struct boost_serialization_adapter {
  static void encode(codec_writer& w, T const& v) {
    auto& out = w.buffer();
    auto const at = out.size();
    std::uint64_t n = 0;
    w.write_bytes(&n, sizeof n); // patched below, once the length is known
    try {
      codec_output_streambuf buf(out);
      boost::archive::binary_oarchive archive(buf, boost_archive_flags);
      archive << v;
    } catch (...) {
      out.resize(at);
      throw;
    }
    n = out.size() - at - sizeof n;
    std::memcpy(out.data() + at, &n, sizeof n);
  }

  /**
   * @throws codec_error if the bytes are truncated or Boost.Serialization
   * cannot read them.
   */
  static T decode(codec_reader& r) {
    auto const n = r.read<std::uint64_t>();
    if (n > r.remaining()) {
      throw codec_error("cf::codec: truncated input: a Boost.Serialization archive of " +
                        std::to_string(n) + " bytes, " + std::to_string(r.remaining()) +
                        " left");
    }
    codec_input_streambuf buf(r.take(static_cast<std::size_t>(n)));
    try {
      boost::archive::binary_iarchive archive(buf, boost_archive_flags);
      T value{};
      archive >> value;
      return value;
    } catch (boost::archive::archive_exception const& e) {
      throw codec_error(std::string("cf::codec: Boost.Serialization: ") + e.what());
    } catch (std::length_error const& e) {
      // A corrupted size inside the archive, met by a container's resize.
      throw codec_error(std::string("cf::codec: Boost.Serialization: ") + e.what());
    }
  }
};

} // namespace concurrent::futures::detail

#endif
