//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_BOOST_SERIALIZATION_HPP
#define CONCURRENT_FUTURES_BOOST_SERIALIZATION_HPP

// The opt-in Boost.Serialization adapter of cf::codec. Include it in every
// translation unit that sends a type with a serialize() (member, or free with
// cf::use_boost_serialization), and link concurrent::futures_boost_serialization
// (CMake; it brings Boost::serialization) or concurrent-futures-boost-serialization
// (pkg-config).

#include <concurrent/futures/codec.hpp>

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/basic_archive.hpp>
#include <boost/archive/binary_iarchive_impl.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/archive/detail/register_archive.hpp>
#include <boost/serialization/array_optimization.hpp>
#include <boost/serialization/collection_size_type.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/nvp.hpp>
#include <boost/serialization/wrapper.hpp>

// The definitions Boost.Serialization compiles only for its own archives,
// instantiated here for the adapter's.
#include <boost/archive/impl/archive_serializer_map.ipp>
#include <boost/archive/impl/basic_binary_iarchive.ipp>
#include <boost/archive/impl/basic_binary_iprimitive.ipp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ios>
#include <limits>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <type_traits>
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

  /// The bytes not read yet.
  std::size_t left() const noexcept { return static_cast<std::size_t>(egptr() - gptr()); }
};

// No header: both ends are the same build. No codecvt: the stream buffers
// above are raw bytes, and imbuing a locale per value would cost allocations.
inline constexpr unsigned boost_archive_flags =
    boost::archive::no_header | boost::archive::no_codecvt;

class codec_iarchive;
using codec_iarchive_base =
    boost::archive::binary_iarchive_impl<codec_iarchive, char, std::char_traits<char>>;

// Boost's binary input archive, except that what Boost would allocate or loop
// for is checked against the input first. A string's length is checked
// against the bytes left. A collection's count cannot be, since its elements
// may take no bytes; but in an archive each element that takes any starts at
// a byte of its own, so all the counts together exceed the archive's size
// only by elements that take none, and that excess is charged to the
// reader's allowance for them. An unordered collection's bucket count comes
// as a count too, but it is a hint to rehash that a reserved or cleared map
// leaves far above its elements: it is bounded by its collection's count
// instead. A bool is 0 or 1, as a bool must be.
class codec_iarchive final : public codec_iarchive_base {
public:
  codec_iarchive(codec_input_streambuf& in, codec_reader& reader)
      : codec_iarchive_base(in, boost_archive_flags), in_(in), reader_(reader),
        size_(in.left()) {
    init(boost_archive_flags);
  }

private:
  friend class boost::archive::detail::interface_iarchive<codec_iarchive>;
  friend class boost::archive::basic_binary_iarchive<codec_iarchive>;
  friend class boost::archive::basic_binary_iprimitive<codec_iarchive, char,
                                                       std::char_traits<char>>;
  friend class boost::archive::load_access;

  using codec_iarchive_base::load;

  // An object or a collection nests one level; a primitive or a wrapper
  // (a name-value pair, an array) does not.
  template <class U>
  static constexpr bool nests =
      std::is_class_v<U> && !boost::serialization::is_wrapper<U>::type::value &&
      boost::serialization::implementation_level<U>::value !=
          boost::serialization::primitive_type;

  template <class U>
  void load_override(U& t) {
    if constexpr (std::is_same_v<std::remove_const_t<U>,
                                 boost::serialization::nvp<
                                     boost::serialization::collection_size_type>>) {
      // The name Boost gives it, in every archive format.
      bucket_count_next_ = std::strcmp(t.name(), "bucket_count") == 0;
    }
    if constexpr (nests<U>) {
      if (depth_ == codec_reader::max_depth) {
        throw codec_error("cf::codec: corrupted input: Boost.Serialization objects "
                          "nested more than " +
                          std::to_string(codec_reader::max_depth) +
                          " deep (cf::codec_reader::max_depth)");
      }
      ++depth_;
      struct leave {
        std::size_t& depth;
        ~leave() { --depth; }
      } const level{depth_};
      codec_iarchive_base::load_override(t);
    } else {
      codec_iarchive_base::load_override(t);
    }
  }

  void load_override(boost::serialization::collection_size_type& count) {
    codec_iarchive_base::load_override(count);
    if (bucket_count_next_) {
      bucket_count_next_ = false;
      count = std::min<std::size_t>(count, last_count_);
      return;
    }
    std::size_t const n = count;
    last_count_ = n;
    std::size_t const excess_before = excess();
    declared_ = n > std::numeric_limits<std::size_t>::max() - declared_
                    ? std::numeric_limits<std::size_t>::max()
                    : declared_ + n;
    std::size_t const charge = excess() - excess_before;
    if (charge > reader_.empty_allowance()) {
      throw codec_error(
          "cf::codec: corrupted input: a Boost.Serialization archive of " +
          std::to_string(size_) + " bytes declares collections of " +
          std::to_string(declared_) +
          " elements in all, more than its bytes and the allowance for elements "
          "that encode to no bytes (cf::codec_reader::max_empty_element_bytes) can hold");
    }
    reader_.charge_empty_elements(charge);
  }

  void load(bool& b) {
    unsigned char byte = 0;
    load_binary(&byte, 1);
    if (byte > 1) {
      throw codec_error("cf::codec: corrupted input: a Boost.Serialization bool of " +
                        std::to_string(byte));
    }
    b = byte != 0;
  }

  void load(std::string& s) { load_string(s); }
  void load(std::wstring& s) { load_string(s); }

  template <class S>
  void load_string(S& s) {
    std::size_t n = 0;
    load(n);
    if (n > in_.left() / sizeof(typename S::value_type)) {
      throw codec_error("cf::codec: corrupted input: a Boost.Serialization string of " +
                        std::to_string(n) + " characters with " +
                        std::to_string(in_.left()) + " bytes left");
    }
    s.resize(n);
    load_binary(s.data(), n * sizeof(typename S::value_type));
  }

  std::size_t excess() const noexcept {
    return declared_ > size_ ? declared_ - size_ : 0;
  }

  codec_input_streambuf& in_;
  codec_reader& reader_;
  std::size_t const size_;         // the archive's bytes
  std::size_t declared_ = 0;       // the counts of all its collections, saturated
  std::size_t depth_ = 0;          // objects and collections being loaded
  std::size_t last_count_ = 0;     // the last collection's count
  bool bucket_count_next_ = false; // and its bucket count comes next
};

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
   * @throws codec_error if the bytes are truncated, Boost.Serialization
   * cannot read them, or the value does not take all of them.
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
      codec_iarchive archive(buf, r);
      T value{};
      archive >> value;
      if (buf.left() != 0) {
        throw codec_error(
            "cf::codec: corrupted input: a Boost.Serialization archive of " +
            std::to_string(n) + " bytes left " + std::to_string(buf.left()) +
            " of them unread");
      }
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

// Lets pointers to exported classes be loaded through the adapter's archive,
// as through Boost's own.
BOOST_SERIALIZATION_REGISTER_ARCHIVE(concurrent::futures::detail::codec_iarchive)
BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(concurrent::futures::detail::codec_iarchive)

#endif
