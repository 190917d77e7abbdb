//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_CODEC_HPP
#define CONCURRENT_FUTURES_CODEC_HPP

#include <concurrent/futures/config.hpp>

#include <boost/config.hpp>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstring>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace concurrent::futures {

/// Malformed or truncated bytes met while decoding.
/**
 * Thrown by `codec_reader` when a read runs past the end of its input, and by
 * the built-in codecs when the input cannot be a value they wrote: a length
 * larger than the bytes left, a `std::variant` index out of range, a `bool`
 * or `std::optional` flag other than 0 or 1, more elements that encode to no
 * bytes than `codec_reader::max_empty_element_bytes` allows, an archive that
 * Boost.Serialization cannot read. Decoding never reads or allocates past what
 * the input can justify before it throws (see `codec_reader`).
 */
class codec_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class codec_writer;
class codec_reader;

/// How values of `T` cross a process boundary: the extension point.
/**
 * A specialization provides two static functions:
 * @code
 * template <>
 * struct cf::codec<my_type> {
 *   static void encode(cf::codec_writer& w, my_type const& v) {
 *     w.write(v.name);
 *     w.write(v.weight);
 *   }
 *   static my_type decode(cf::codec_reader& r) {
 *     auto name = r.read<std::string>(); // in the order encode wrote them
 *     auto weight = r.read<double>();
 *     return my_type(std::move(name), weight);
 *   }
 * };
 * @endcode
 * `decode` reads back exactly what `encode` wrote and throws `codec_error`
 * (which `codec_reader` does for you on a short input) rather than build a
 * value from bytes it cannot trust. A constrained partial specialization
 * (`template <class T> requires my_concept<T> struct codec<T>`) works too.
 * Optionally, `static constexpr std::size_t min_encoded_size` states a lower
 * bound on the bytes `encode` writes, so that a container of `T` rejects a
 * corrupted length before it allocates; without it the bound is 0, and each
 * element of a container that takes no bytes is charged to the message's
 * allowance, `codec_reader::max_empty_element_bytes`.
 *
 * Both ends are processes of the same build on the same machine: values are
 * written in native byte order and sizes, with no versioning.
 *
 * The primary template is the built-in support, tried in this order after
 * any specialization:
 * - arithmetic types, `bool`, enumerations and `std::byte`: their bytes;
 * - function pointers: the code they point to, as its module and offset,
 *   which only a process of the same build can run;
 * - `std::basic_string`, `std::vector` (one copy of the whole buffer for
 *   arithmetic and enumeration elements), `std::deque`, `std::list`,
 *   `std::forward_list`, `std::array`, the ordered and unordered sets and
 *   maps, `std::optional`, `std::variant`, `std::tuple`, `std::pair`,
 *   `std::chrono::duration`, `std::chrono::time_point` of `system_clock` or
 *   `steady_clock`, and `std::complex`, whenever their parts are codable;
 * - a class with a member `template <class Archive> void serialize(Archive&,
 *   unsigned)`, or one for which `use_boost_serialization` is true: through
 *   Boost.Serialization, which needs
 *   `<concurrent/futures/boost_serialization.hpp>`;
 * - an empty, default-constructible class (a captureless lambda among
 *   them): no bytes at all;
 * - an aggregate whose fields are all codable: field by field through
 *   Boost.PFR (no base classes, no reference or C array members, at most 100
 *   fields).
 *
 * Object pointers, references, member pointers, `std::function`,
 * `std::string_view`, `std::span` and smart pointers are refused at compile
 * time, each with a message that says what to pass instead.
 *
 * @par Thread Safety
 * Codecs are stateless; encoding and decoding share nothing but the buffers
 * given to them.
 */
template <class T, class Enable = void>
struct codec;

/// Opts a type with a free-function Boost.Serialization `serialize` in.
/**
 * A public member `serialize` is found on its own; a free function (or a
 * private member befriending `boost::serialization::access`) cannot be, so
 * set this to true for such a type. Decoding default-constructs the value,
 * then loads it.
 * @code
 * template <>
 * inline constexpr bool cf::use_boost_serialization<legacy_record> = true;
 * @endcode
 */
template <class T>
inline constexpr bool use_boost_serialization = false;

namespace detail {

// Set by every codec that refuses its type, so that codable<T> is false for
// it while the codec's members still exist to say why when they are called.
template <class T>
concept refused_codec = requires {
  typename codec<T>::concurrent_futures_refused;
};

template <class T>
concept codec_functions = requires(codec_writer& w, codec_reader& r, T const& v) {
  codec<T>::encode(w, v);
  { codec<T>::decode(r) } -> std::same_as<T>;
};

} // namespace detail

/// True when values of `T` can cross a process boundary through `codec`.
/**
 * Top-level `const` and `volatile` are ignored; references are not codable.
 */
template <class T>
concept codable = !detail::refused_codec<std::remove_cv_t<T>> &&
                  detail::codec_functions<std::remove_cv_t<T>>;

namespace detail {

/// Fails compilation with the reason `T` cannot cross a process boundary.
/**
 * For templates that send a `T`: call it as a statement in their body. It
 * names the innermost part that is not codable (the `int*` of a
 * `std::vector<int*>`), and, for a type that Boost.Serialization encodes,
 * checks that this translation unit included the adapter.
 */
template <class T>
constexpr void require_codable() noexcept;

} // namespace detail

/// Appends encoded values to a byte buffer it does not own.
/**
 * @par Thread Safety
 * One thread at a time, as the buffer it writes to.
 *
 * @par Exception Safety
 * Only what the buffer's growth throws. If an `encode` throws part way, the
 * bytes it appended stay in the buffer.
 */
class codec_writer {
public:
  /// Appends to `out`, which must outlive the writer.
  explicit codec_writer(std::vector<std::byte>& out) noexcept : out_(&out) {}

  /// Appends `n` bytes from `p`.
  void write_bytes(void const* p, std::size_t n) {
    // resize + memcpy, not insert: g++ 12 at -O3 warns falsely
    // (-Wstringop-overflow) on a range insert into an empty vector.
    if (n == 0)
      return;
    std::size_t const old = out_->size();
    out_->resize(old + n);
    std::memcpy(out_->data() + old, p, n);
  }

  /// Appends `value` through `codec<T>::encode`.
  template <class T>
  void write(T const& value) {
    if constexpr (codable<T>) {
      codec<std::remove_cv_t<T>>::encode(*this, value);
    } else {
      detail::require_codable<T>();
    }
  }

  /// The buffer written to.
  std::vector<std::byte>& buffer() noexcept { return *out_; }

private:
  std::vector<std::byte>* out_;
};

/// Reads encoded values from a byte span, bounds-checked.
/**
 * Every read checks the bytes left first and throws `codec_error` when they
 * are too few, so a truncated or corrupted input fails instead of reading
 * past its end.
 *
 * @par Cost of decoding
 * Decoding `n` bytes with the built-in codecs takes time and memory linear in
 * `n`, plus at most `max_empty_element_bytes` of elements that encode to no
 * bytes, and stack for at most `max_depth` levels of nesting: a count is
 * checked against the bytes left before anything is allocated for it, and an
 * element that took no bytes is charged to that allowance. A codec of your
 * own keeps this bound if it checks each count it reads against `remaining()`
 * or, for elements that may take no bytes, charges them through
 * `charge_empty_elements`. The factor is the type's: a decoded value takes
 * the memory its elements take, and an ordered set or map given its keys out
 * of order adds the logarithm of its size. An unordered container costs what
 * inserting its keys costs: quadratic for keys that all collide under its
 * hash, as building it was for the sender. Malformed input of any kind is a
 * `codec_error`.
 *
 * @par Thread Safety
 * One thread at a time; several readers may read one buffer at once.
 */
class codec_reader {
public:
  /// The memory that elements which encode to no bytes may take in a message.
  /**
   * A count of elements that take no input (empty classes, captureless
   * lambdas, `std::monostate`, `std::tuple<>`, `std::array<T, 0>`, a user type
   * whose codec writes nothing) cannot be checked against the bytes left, so
   * each such element costs its `sizeof` of this allowance: one allowance per
   * reader, shared by every container it decodes, so that
   * `std::vector<std::vector<E>>` cannot multiply it. 2^20 bytes, a million
   * one-byte empty values per message; decoding more throws `codec_error`
   * (send their count instead). A Boost.Serialization collection that declares
   * more elements than its archive has bytes is charged a byte for each one
   * beyond.
   */
  static constexpr std::size_t max_empty_element_bytes = std::size_t{1} << 20;

  /// How deeply values may nest in a message.
  /**
   * Decoding recurses once for each value of class type inside another (a
   * container, an aggregate, a Boost.Serialization object), so a recursive
   * type (a user codec of a tree, a Boost.Serialization tree) could nest as
   * deeply as its bytes allow and overflow the stack: a few hundred
   * kilobytes did. Each level counts one, and so does each object or
   * collection inside a Boost.Serialization value, counted from that value;
   * deeper than 1000, Python's recursion limit, decoding throws
   * `codec_error`.
   */
  static constexpr std::size_t max_depth = 1000;

  /// Where a reader gets the rest of a message that arrives in pieces.
  /**
   * A process pool decodes a large reply straight from the records of its
   * shared ring, without gathering the message first: the reader asks for
   * the next piece when it has read every byte of the one before.
   */
  class source {
  public:
    /// The next piece of the message, not empty. Called only while bytes of
    /// the message remain; may throw (the reader passes it on).
    virtual std::span<std::byte const> next() = 0;

  protected:
    /// For the derived class.
    source() = default;
    /// Copyable by the derived class.
    source(source const&) = default;
    /// Copyable by the derived class.
    source& operator=(source const&) = default;
    /// Not destroyed through this base.
    ~source() = default;
  };

  /// Reads from `in`, which must outlive the reader and what `take` returns.
  explicit codec_reader(std::span<std::byte const> in) noexcept
      : next_(in.data()), end_(in.data() + in.size()) {}

  /// Reads a message of `total` bytes whose first piece is `first` and whose
  /// others `more` returns, each valid until the next is asked for.
  codec_reader(std::span<std::byte const> first, std::size_t total, source& more) noexcept
      : next_(first.data()), end_(first.data() + first.size()),
        later_(total > first.size() ? total - first.size() : 0), more_(&more) {}

  /// Copies the next `n` bytes to `p`.
  /** @throws codec_error if fewer than `n` bytes remain; nothing is read. */
  void read_bytes(void* p, std::size_t n) {
    if (n > in_piece()) [[unlikely]] {
      read_across(p, n);
      return;
    }
    if (n != 0) { // p may be null then, which memcpy does not allow
      std::memcpy(p, next_, n);
    }
    next_ += n;
  }

  /// Decodes the next value through `codec<T>::decode`.
  /** @throws codec_error if the input is truncated or malformed. */
  template <class T>
  std::remove_cv_t<T> read() {
    if constexpr (codable<T> && std::is_class_v<T>) {
      nested const level(*this);
      return codec<std::remove_cv_t<T>>::decode(*this);
    } else if constexpr (codable<T>) {
      return codec<std::remove_cv_t<T>>::decode(*this);
    } else {
      detail::require_codable<T>();
      return unreachable<std::remove_cv_t<T>>();
    }
  }

  /// The bytes not read yet.
  std::size_t remaining() const noexcept { return in_piece() + later_; }

  /// How many of the next bytes `take` views in place; beyond them (a
  /// message read in pieces) it copies them into the reader first.
  std::size_t contiguous() const noexcept { return in_piece(); }

  /// A view of the next `n` bytes, which it skips; valid as long as the
  /// reader and the input are, or until the next `take` that copies.
  /** @throws codec_error if fewer than `n` bytes remain; nothing is skipped. */
  std::span<std::byte const> take(std::size_t n) {
    if (n > in_piece()) [[unlikely]] {
      return take_across(n);
    }
    std::span<std::byte const> bytes(next_, n);
    next_ += n;
    return bytes;
  }

  /// Charges `bytes` to the allowance for elements that encode to no bytes.
  /**
   * For the codec of a container whose elements may take no input: call it
   * for each element that took none, with its `sizeof`, so that a corrupted
   * count cannot make decoding loop or allocate without bound.
   * @throws codec_error if that spends more than `max_empty_element_bytes` in
   * this reader's lifetime; nothing is charged then.
   */
  void charge_empty_elements(std::size_t bytes) {
    if (bytes > empty_allowance_) {
      throw_empty_allowance_spent();
    }
    empty_allowance_ -= bytes;
  }

  /// What is left of the allowance for elements that encode to no bytes.
  std::size_t empty_allowance() const noexcept { return empty_allowance_; }

private:
  // One level of nesting, for as long as a class value is being decoded.
  // (Hidden from Doxygen 1.9.4, which links a class's summary to the
  // section of its private nested classes that it does not write.)
  /// @cond
  class nested {
  public:
    explicit nested(codec_reader& r) : depth_(r.depth_) {
      if (depth_ == max_depth) {
        throw_too_deep();
      }
      ++depth_;
    }
    nested(nested const&) = delete;
    nested& operator=(nested const&) = delete;
    ~nested() { --depth_; }

  private:
    std::size_t& depth_;
  };
  /// @endcond

  std::size_t in_piece() const noexcept { return static_cast<std::size_t>(end_ - next_); }

  void check(std::size_t n) const {
    if (n > remaining()) {
      throw_truncated(n, remaining());
    }
  }

  // The next piece from the source; `later_` bounds it.
  void next_piece() {
    auto const piece = more_->next();
    if (piece.empty() || piece.size() > later_) {
      throw_bad_piece(piece.size(), later_);
    }
    later_ -= piece.size();
    next_ = piece.data();
    end_ = piece.data() + piece.size();
  }

  BOOST_NOINLINE void read_across(void* p, std::size_t n) {
    check(n);
    auto* out = static_cast<std::byte*>(p);
    for (;;) {
      std::size_t const k = std::min(n, in_piece());
      if (k != 0) {
        std::memcpy(out, next_, k);
      }
      next_ += k;
      out += k;
      n -= k;
      if (n == 0) {
        return;
      }
      next_piece();
    }
  }

  BOOST_NOINLINE std::span<std::byte const> take_across(std::size_t n) {
    check(n);
    scratch_.resize(n);
    read_across(scratch_.data(), n);
    return scratch_;
  }

  [[noreturn]] BOOST_NOINLINE static void throw_bad_piece(std::size_t got,
                                                          std::size_t left) {
    throw codec_error("cf::codec: a message read in pieces got a piece of " +
                      std::to_string(got) + " bytes where " + std::to_string(left) +
                      " bytes remained");
  }

  // Kept out of line so that the checks inline to a compare and a branch.
  [[noreturn]] BOOST_NOINLINE static void throw_truncated(std::size_t wanted,
                                                          std::size_t left) {
    throw codec_error("cf::codec: truncated input: needs " + std::to_string(wanted) +
                      " more bytes, " + std::to_string(left) + " left");
  }

  [[noreturn]] BOOST_NOINLINE static void throw_too_deep() {
    throw codec_error("cf::codec: corrupted input: values nested more than " +
                      std::to_string(max_depth) + " deep (cf::codec_reader::max_depth)");
  }

  [[noreturn]] BOOST_NOINLINE static void throw_empty_allowance_spent() {
    throw codec_error(
        "cf::codec: corrupted input: elements that encode to no bytes (empty classes, "
        "captureless lambdas, std::monostate, std::tuple<>) take more than " +
        std::to_string(max_empty_element_bytes) +
        " bytes of memory in one message (cf::codec_reader::max_empty_element_bytes); "
        "to send that many, send their count instead");
  }

  // Only after a failed static_assert, to keep the return type well-formed.
  template <class U>
  [[noreturn]] static U unreachable() {
    std::terminate();
  }

  std::byte const* next_;
  std::byte const* end_;
  std::size_t later_ = 0;          // bytes of the message after this piece
  source* more_ = nullptr;         // where they come from
  std::vector<std::byte> scratch_; // what `take` copied across pieces
  std::size_t empty_allowance_ = max_empty_element_bytes;
  std::size_t depth_ = 0;
};

namespace detail {

// The built-in support, specialized in detail/codec/ for the standard
// templates.
template <class T>
struct builtin_codec;

} // namespace detail

// Defined before the built-in codecs, so that their conditions see it.
template <class T, class Enable>
struct codec : detail::builtin_codec<std::remove_cv_t<T>> {};

} // namespace concurrent::futures

// The built-in codecs, one concern a file.
#include <concurrent/futures/detail/codec/aggregates.hpp>
#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/chrono.hpp>
#include <concurrent/futures/detail/codec/containers.hpp>
#include <concurrent/futures/detail/codec/diagnostics.hpp>
#include <concurrent/futures/detail/codec/function_pointer.hpp>
#include <concurrent/futures/detail/codec/generic.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>
#include <concurrent/futures/detail/codec/scalars.hpp>
#include <concurrent/futures/detail/codec/serialization.hpp>
#include <concurrent/futures/detail/codec/strings.hpp>
#include <concurrent/futures/detail/codec/vocabulary.hpp>

#endif
