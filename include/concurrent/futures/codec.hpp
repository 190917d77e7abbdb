//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_CODEC_HPP
#define CONCURRENT_FUTURES_CODEC_HPP

#include <concurrent/futures/config.hpp>

#include <boost/config.hpp>
#include <boost/pfr/core.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <complex>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <forward_list>
#include <functional>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
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
 * Pointers, references, member pointers, `std::function`,
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

  /// Reads from `in`, which must outlive the reader and what `take` returns.
  explicit codec_reader(std::span<std::byte const> in) noexcept
      : next_(in.data()), end_(in.data() + in.size()) {}

  /// Copies the next `n` bytes to `p`.
  /** @throws codec_error if fewer than `n` bytes remain; nothing is read. */
  void read_bytes(void* p, std::size_t n) {
    check(n);
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
  std::size_t remaining() const noexcept {
    return static_cast<std::size_t>(end_ - next_);
  }

  /// A view of the next `n` bytes, which it skips.
  /** @throws codec_error if fewer than `n` bytes remain; nothing is skipped. */
  std::span<std::byte const> take(std::size_t n) {
    check(n);
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

  void check(std::size_t n) const {
    if (n > remaining()) {
      throw_truncated(n, remaining());
    }
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
  std::size_t empty_allowance_ = max_empty_element_bytes;
  std::size_t depth_ = 0;
};

namespace detail {

// The built-in support, specialized below for the standard templates.
template <class T>
struct builtin_codec;

} // namespace detail

// Defined before the built-in codecs, so that their conditions see it.
template <class T, class Enable>
struct codec : detail::builtin_codec<std::remove_cv_t<T>> {};

namespace detail {

template <class>
inline constexpr bool dependent_false = false;

template <class... T>
struct type_list {};

// ---------------------------------------------------------------- refusals

enum class why_not : unsigned char {
  part, // a part of the type is not codable: see that part's reason
  reference,
  object_pointer,
  member_pointer,
  function_wrapper,
  view,
  smart_pointer,
  unsupported_aggregate,
  no_codec,
};

// What codec<T> is for a T that cannot cross. Its members exist so that
// calling them gives the reason rather than "no member named encode".
template <class T, why_not Why, class Part = void>
struct refused {
  using concurrent_futures_refused = void;
  static constexpr why_not why = Why;
  using part = Part;

  template <class U>
  static void encode(codec_writer&, U const&) {
    require_codable<T>();
  }
  template <class U = T>
  [[noreturn]] static U decode(codec_reader&) {
    require_codable<T>();
    std::terminate();
  }
};

template <class... Parts>
struct first_uncodable {
  using type = void;
};
template <class P, class... Parts>
struct first_uncodable<P, Parts...> {
  using type =
      std::conditional_t<codable<P>, typename first_uncodable<Parts...>::type, P>;
};

// Codec for T, a type made of Parts, when every part is codable.
template <class T, class Codec, class... Parts>
using composite = std::conditional_t<
    (codable<Parts> && ...), Codec,
    refused<T, why_not::part, typename first_uncodable<Parts...>::type>>;

// The same for a container, which decode default-constructs.
template <class C, class Codec, class... Parts>
using container =
    std::conditional_t<std::default_initializable<C>, composite<C, Codec, Parts...>,
                       refused<C, why_not::no_codec>>;

// ---------------------------------------------------------------- helpers

template <class T>
consteval std::size_t min_size_of() noexcept {
  if constexpr (requires { codec<T>::min_encoded_size; }) {
    return static_cast<std::size_t>(codec<T>::min_encoded_size);
  } else {
    return 0;
  }
}

// A lower bound on the bytes a T takes encoded: what lets a count be checked
// against the input before anything is allocated for it.
template <class T>
inline constexpr std::size_t min_size = min_size_of<T>();

using count_type = std::uint64_t;

[[noreturn]] BOOST_NOINLINE inline void throw_bad_count(count_type count,
                                                        std::size_t left) {
  throw codec_error("cf::codec: corrupted input: a count of " + std::to_string(count) +
                    " elements with " + std::to_string(left) + " bytes left");
}

[[noreturn]] BOOST_NOINLINE inline void throw_bad_flag(unsigned flag, char const* what) {
  throw codec_error(std::string("cf::codec: corrupted input: ") + what + " " +
                    std::to_string(flag));
}

inline void write_count(codec_writer& w, std::size_t n) {
  w.write(static_cast<count_type>(n));
}

// Reads a count of elements that take at least Min bytes each, rejecting
// one that the bytes left cannot hold: a corrupted count fails here, before
// anything is allocated for it.
template <std::size_t Min>
std::size_t read_count(codec_reader& r) {
  auto const n = r.read<count_type>();
  if constexpr (Min != 0) {
    if (n > r.remaining() / Min) {
      throw_bad_count(n, r.remaining());
    }
  } else if constexpr (sizeof(std::size_t) < sizeof(count_type)) {
    if (n > static_cast<count_type>(static_cast<std::size_t>(-1))) {
      throw_bad_count(n, r.remaining());
    }
  }
  return static_cast<std::size_t>(n);
}

// Decodes one element of a container through `decode_one`, which stores it.
// An element whose lower bound Min is 0 leaves its count bounded by nothing
// in the input, so one that took no bytes is charged its Size to the
// reader's allowance: every container codec goes through here, so that no
// count of such elements can make decoding loop or allocate without bound.
template <std::size_t Min, std::size_t Size, class F>
void decode_element(codec_reader& r, F&& decode_one) {
  if constexpr (Min != 0) {
    std::forward<F>(decode_one)();
  } else {
    auto const before = r.remaining();
    std::forward<F>(decode_one)();
    if (r.remaining() == before) {
      r.charge_empty_elements(Size);
    }
  }
}

// ---------------------------------------------------------------- scalars

template <class T>
struct raw_codec {
  static constexpr std::size_t min_encoded_size = sizeof(T);
  static void encode(codec_writer& w, T const& v) { w.write_bytes(&v, sizeof v); }
  static T decode(codec_reader& r) {
    T v{};
    r.read_bytes(&v, sizeof v);
    return v;
  }
};

// One byte, 0 or 1: any other byte would be a bool with no valid value.
struct bool_codec {
  static constexpr std::size_t min_encoded_size = 1;
  static void encode(codec_writer& w, bool v) {
    auto const b = static_cast<unsigned char>(v);
    w.write_bytes(&b, 1);
  }
  static bool decode(codec_reader& r) {
    unsigned char b = 0;
    r.read_bytes(&b, 1);
    if (b > 1) {
      throw_bad_flag(b, "bool");
    }
    return b != 0;
  }
};

// True when codec<T> is the built-in byte copy, so that a range of T can be
// copied in one go; a user specialization for T is honoured instead.
template <class T>
concept raw_element = std::is_base_of_v<raw_codec<T>, codec<T>>;

template <class T>
concept bool_element = std::is_base_of_v<bool_codec, codec<T>>;

template <class T>
struct empty_codec {
  static constexpr std::size_t min_encoded_size = 0;
  static void encode(codec_writer&, T const&) noexcept {}
  static T decode(codec_reader&) { return T{}; }
};

// ---------------------------------------------------------------- Boost.Serialization

// Defined by <concurrent/futures/boost_serialization.hpp>; only declared
// here, so that this header needs no Boost.Serialization header.
template <class T>
struct boost_serialization_adapter;

// Stands for an archive when probing for a serialize() member: any operand.
struct serialize_probe {
  using is_loading = std::false_type;
  using is_saving = std::true_type;
  template <class U>
  serialize_probe& operator&(U&&) noexcept {
    return *this;
  }
  template <class U>
  serialize_probe& operator<<(U&&) noexcept {
    return *this;
  }
  template <class U>
  serialize_probe& operator>>(U&&) noexcept {
    return *this;
  }
};

template <class T>
concept has_member_serialize = requires(T& t, serialize_probe& a) {
  t.serialize(a, 0u);
};

template <class T>
concept boost_serializable = use_boost_serialization<T> || has_member_serialize<T>;

// Every type that Boost.Serialization can encode goes through it in every
// translation unit, so one that forgot the adapter fails to compile rather
// than encode the type some other way.
template <class T>
struct serialization_codec {
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, T const& v) {
    if constexpr (requires { sizeof(boost_serialization_adapter<T>); }) {
      boost_serialization_adapter<T>::encode(w, v);
    } else {
      require_codable<T>();
    }
  }
  static T decode(codec_reader& r) {
    if constexpr (requires { sizeof(boost_serialization_adapter<T>); }) {
      return boost_serialization_adapter<T>::decode(r);
    } else {
      require_codable<T>();
      std::terminate();
    }
  }
};

// ---------------------------------------------------------------- aggregates

// Converts to a base class of T only: T{base_probe<T>{}} is well-formed when
// T's first element is a base, which Boost.PFR cannot reflect. Immovable, so
// that a member with a catch-all constructor (std::any) does not take it.
template <class T>
struct base_probe {
  base_probe() = default;
  base_probe(base_probe const&) = delete;
  base_probe& operator=(base_probe const&) = delete;
  // Only named in unevaluated operands; defined because clang warns of
  // internal-linkage functions it sees referenced but not defined.
  template <class B>
  requires(std::is_base_of_v<B, T> && !std::is_same_v<std::remove_cv_t<B>, T>)
  operator B&() const noexcept {
    std::terminate();
  }
};

template <class T>
concept has_base_class = requires {
  T{base_probe<T>{}};
};

// Initializers for any field: as a value (non-movable fields), or as an
// lvalue (reference fields).
struct any_value {
  template <class U>
  operator U() const noexcept {
    std::terminate();
  }
};
struct any_lvalue {
  template <class U>
  operator U&() const noexcept {
    std::terminate();
  }
};

template <class T, class Any, std::size_t... I>
consteval bool brace_initializable(std::index_sequence<I...>) noexcept {
  return requires {
    T{((void)I, Any{})...};
  };
}

// Boost.PFR binds at most this many fields.
inline constexpr std::size_t max_fields = 100;
inline constexpr std::size_t no_count = static_cast<std::size_t>(-1);

// The fields of T are counted here, not by Boost.PFR: its count searches up
// to 8 * sizeof(T) initializers, and tries them all when T{} is ill-formed,
// which takes minutes and gigabytes for a struct of a few hundred bytes
// with one field that has no default constructor. Counting up from 0 stops
// one past the real count.
template <class T, class Any, std::size_t K = 0, bool Found = false>
consteval std::size_t count_fields() noexcept {
  if constexpr (K > max_fields) {
    return no_count;
  } else if constexpr (brace_initializable<T, Any>(std::make_index_sequence<K>{})) {
    return count_fields<T, Any, K + 1, true>();
  } else if constexpr (Found) {
    return K - 1;
  } else {
    return count_fields<T, Any, K + 1, false>();
  }
}

template <class T>
consteval std::size_t field_count() noexcept {
  constexpr std::size_t as_values = count_fields<T, any_value>();
  constexpr std::size_t as_lvalues = count_fields<T, any_lvalue>();
  if (as_values == no_count) {
    return as_lvalues;
  }
  if (as_lvalues == no_count) {
    return as_values;
  }
  return as_values > as_lvalues ? as_values : as_lvalues;
}

// Brace elision counts a C array member as one field per element, and
// structured bindings then fail with a hard error; parenthesized aggregate
// initialization does no brace elision, so it tells the two apart (and
// refuses reference members, which decode cannot fill from values either).
// Compilers without it (clang 14) fail on such a member instead.
template <class T, std::size_t... I>
consteval bool fields_are_values(std::index_sequence<I...>) noexcept {
#if defined(__cpp_aggregate_paren_init)
  return requires {
    T(((void)I, any_value{})...);
  };
#else
  return true;
#endif
}

// References to the N fields of v, through Boost.PFR's structured bindings
// (boost/pfr/detail: its public functions would count the fields again).
template <std::size_t N, class T>
constexpr auto tie_fields(T& v) noexcept {
  return boost::pfr::detail::tie_as_tuple(v, boost::pfr::detail::size_t_<N>{});
}

template <class T, class Seq>
struct aggregate_fields;
template <class T, std::size_t... I>
struct aggregate_fields<T, std::index_sequence<I...>> {
  using tie = decltype(tie_fields<sizeof...(I)>(std::declval<T&>()));
  using type =
      type_list<std::remove_cvref_t<decltype(boost::pfr::detail::sequence_tuple::get<I>(
          std::declval<tie&>()))>...>;
};

template <class T, std::size_t N, class... F>
struct aggregate_codec {
  static constexpr std::size_t min_encoded_size = (std::size_t{0} + ... + min_size<F>);
  static void encode(codec_writer& w, T const& v) {
    auto const fields = tie_fields<N>(v);
    encode_each(w, fields, std::make_index_sequence<N>{});
  }
  // A braced list runs the reads in order.
  static T decode(codec_reader& r) { return T{r.read<F>()...}; }

private:
  template <class Tie, std::size_t... I>
  static void encode_each(codec_writer& w, Tie const& fields, std::index_sequence<I...>) {
    (w.write(boost::pfr::detail::sequence_tuple::get<I>(fields)), ...);
  }
};

// Whether decode can build T from its fields' values: not when a field is a
// reference.
template <class T, class... F>
concept built_from_values = requires {
  T{std::declval<F>()...};
};

template <class T, std::size_t N, class Fields>
struct select_aggregate;
template <class T, std::size_t N, class... F>
struct select_aggregate<T, N, type_list<F...>> {
  using type = std::conditional_t<
      (codable<F> && ...),
      std::conditional_t<built_from_values<T, F...>, aggregate_codec<T, N, F...>,
                         refused<T, why_not::unsupported_aggregate>>,
      refused<T, why_not::part, typename first_uncodable<F...>::type>>;
};

template <class T, std::size_t N>
consteval bool reflectable() noexcept {
  if constexpr (N == no_count || N == 0) {
    return false;
  } else {
    return fields_are_values<T>(std::make_index_sequence<N>{});
  }
}

template <class T, std::size_t N = field_count<T>(), bool = reflectable<T, N>()>
struct aggregate_select {
  using type = refused<T, why_not::unsupported_aggregate>;
};
// Names the field types only once they are known to be values.
template <class T, std::size_t N>
struct aggregate_select<T, N, true> {
  using type = typename select_aggregate<
      T, N, typename aggregate_fields<T, std::make_index_sequence<N>>::type>::type;
};

// Defers aggregate_select until T is known to be an aggregate.
template <class T>
struct aggregate_codec_of : aggregate_select<T>::type {};

// ---------------------------------------------------------------- dispatch for
// everything that is not one of the standard templates below

enum class generic_kind : unsigned char {
  reference,
  object_pointer,
  member_pointer,
  boolean,
  raw,
  boost_serialization,
  empty,
  aggregate,
  unsupported_aggregate,
  none,
};

template <class T>
consteval generic_kind classify() noexcept {
  if constexpr (std::is_reference_v<T>) {
    return generic_kind::reference;
  } else if constexpr (std::is_pointer_v<T>) {
    // A function pointer is left to a specialization of codec.
    if constexpr (std::is_function_v<std::remove_pointer_t<T>>) {
      return generic_kind::none;
    } else {
      return generic_kind::object_pointer;
    }
  } else if constexpr (std::is_member_pointer_v<T>) {
    return generic_kind::member_pointer;
  } else if constexpr (std::is_same_v<T, bool>) {
    return generic_kind::boolean;
  } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
    return generic_kind::raw;
  } else if constexpr (!std::is_class_v<T>) {
    return generic_kind::none;
  } else if constexpr (boost_serializable<T>) {
    return generic_kind::boost_serialization;
  } else if constexpr (std::is_empty_v<T> && std::is_default_constructible_v<T>) {
    return generic_kind::empty;
  } else if constexpr (std::is_aggregate_v<T>) {
    if constexpr (std::is_polymorphic_v<T> || has_base_class<T>) {
      return generic_kind::unsupported_aggregate;
    } else {
      return generic_kind::aggregate;
    }
  } else {
    return generic_kind::none;
  }
}

template <class T, generic_kind = classify<T>()>
struct generic_codec;
template <class T>
struct generic_codec<T, generic_kind::reference> : refused<T, why_not::reference> {};
template <class T>
struct generic_codec<T, generic_kind::object_pointer>
    : refused<T, why_not::object_pointer> {};
template <class T>
struct generic_codec<T, generic_kind::member_pointer>
    : refused<T, why_not::member_pointer> {};
template <class T>
struct generic_codec<T, generic_kind::boolean> : bool_codec {};
template <class T>
struct generic_codec<T, generic_kind::raw> : raw_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::boost_serialization> : serialization_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::empty> : empty_codec<T> {};
template <class T>
struct generic_codec<T, generic_kind::aggregate> : aggregate_codec_of<T> {};
template <class T>
struct generic_codec<T, generic_kind::unsupported_aggregate>
    : refused<T, why_not::unsupported_aggregate> {};
template <class T>
struct generic_codec<T, generic_kind::none> : refused<T, why_not::no_codec> {};

// ---------------------------------------------------------------- standard library

template <class S>
struct string_codec {
  using char_type = typename S::value_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, S const& s) {
    write_count(w, s.size());
    w.write_bytes(s.data(), s.size() * sizeof(char_type));
  }
  static S decode(codec_reader& r) {
    auto const n = read_count<sizeof(char_type)>(r);
    if constexpr (std::is_same_v<char_type, char> ||
                  std::is_same_v<char_type, unsigned char>) {
      // These may alias the input's bytes: construct in one copy.
      auto const bytes = r.take(n);
      return S(reinterpret_cast<char_type const*>(bytes.data()), n);
    } else {
      S s(n, char_type{});
      r.read_bytes(s.data(), n * sizeof(char_type));
      return s;
    }
  }
};

// A vector whose elements are copied as one block of bytes.
template <class V>
struct contiguous_codec {
  using value_type = typename V::value_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, V const& v) {
    write_count(w, v.size());
    w.write_bytes(v.data(), v.size() * sizeof(value_type));
  }
  static V decode(codec_reader& r) {
    auto const n = read_count<min_size<value_type>>(r);
    V v(n);
    r.read_bytes(v.data(), n * sizeof(value_type));
    return v;
  }
};

template <class V>
struct bit_vector_codec {
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, V const& v) {
    write_count(w, v.size());
    auto& out = w.buffer();
    auto const at = out.size();
    out.resize(at + v.size()); // grows geometrically, where reserve would not
    auto* p = out.data() + at;
    for (bool b : v) {
      *p++ = static_cast<std::byte>(b);
    }
  }
  static V decode(codec_reader& r) {
    auto const n = read_count<1>(r); // one byte per element, written above
    V v(n);
    std::size_t i = 0;
    for (std::byte b : r.take(n)) {
      if (b > std::byte{1}) {
        throw_bad_flag(std::to_integer<unsigned>(b), "bool");
      }
      v[i++] = b != std::byte{0};
    }
    return v;
  }
};

template <class C>
concept reservable = requires(C& c, std::size_t n) {
  c.reserve(n);
};

// How many of `n` elements, bounded by the input, to reserve room for. A
// vector's room is its elements: no more memory than the bytes left, however
// large an element is in memory, so that a corrupted count of elements that
// take a byte or two encoded fails as a codec_error when they are not there,
// not as std::bad_alloc first. An unordered set's is a bucket an element.
template <class C>
std::size_t reservation(std::size_t n, codec_reader const& r) noexcept {
  if constexpr (requires(C const& c) { c.capacity(); }) {
    return std::min(n, r.remaining() / sizeof(typename C::value_type));
  } else {
    return n;
  }
}

// A count, then the elements: vector (elements not copied as bytes), deque,
// list, and the sets (an ordered one is sorted on the way out, so each
// insertion hints the end).
template <class C>
struct elements_codec {
  using value_type = typename C::value_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, C const& c) {
    write_count(w, c.size());
    for (auto const& e : c) {
      w.write(e);
    }
  }
  static C decode(codec_reader& r) {
    constexpr std::size_t min = min_size<value_type>;
    auto const n = read_count<min>(r);
    C c;
    if constexpr (min != 0 && reservable<C>) {
      c.reserve(reservation<C>(n, r));
    }
    for (std::size_t i = 0; i < n; ++i) {
      decode_element<min, sizeof(value_type)>(r, [&] {
        if constexpr (requires { c.push_back(r.read<value_type>()); }) {
          c.push_back(r.read<value_type>());
        } else if constexpr (requires { typename C::key_compare; }) {
          c.emplace_hint(c.end(), r.read<value_type>());
        } else {
          c.emplace(r.read<value_type>());
        }
      });
    }
    return c;
  }
};

template <class C>
struct forward_list_codec {
  using value_type = typename C::value_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, C const& c) {
    write_count(w, static_cast<std::size_t>(std::distance(c.begin(), c.end())));
    for (auto const& e : c) {
      w.write(e);
    }
  }
  static C decode(codec_reader& r) {
    constexpr std::size_t min = min_size<value_type>;
    auto const n = read_count<min>(r);
    C c;
    auto last = c.before_begin();
    for (std::size_t i = 0; i < n; ++i) {
      decode_element<min, sizeof(value_type)>(
          r, [&] { last = c.insert_after(last, r.read<value_type>()); });
    }
    return c;
  }
};

template <class E, std::size_t N>
struct array_codec {
  static constexpr std::size_t min_encoded_size = N * min_size<E>;

  static void encode(codec_writer& w, std::array<E, N> const& a) {
    if constexpr (raw_element<E>) {
      w.write_bytes(a.data(), N * sizeof(E));
    } else {
      for (auto const& e : a) {
        w.write(e);
      }
    }
  }
  static std::array<E, N> decode(codec_reader& r) {
    if constexpr (raw_element<E>) {
      std::array<E, N> a{};
      r.read_bytes(a.data(), N * sizeof(E));
      return a;
    } else if constexpr (std::default_initializable<E> && std::is_move_assignable_v<E>) {
      std::array<E, N> a{};
      for (auto& e : a) {
        e = r.read<E>();
      }
      return a;
    } else {
      return decode_each(r, std::make_index_sequence<N>{});
    }
  }

private:
  template <std::size_t... I>
  static std::array<E, N> decode_each(codec_reader& r, std::index_sequence<I...>) {
    return {{((void)I, r.read<E>())...}};
  }
};

// map, multimap, unordered_map, unordered_multimap.
template <class C, bool Ordered>
struct map_codec {
  using key_type = typename C::key_type;
  using mapped_type = typename C::mapped_type;
  static constexpr std::size_t min_encoded_size = sizeof(count_type);

  static void encode(codec_writer& w, C const& c) {
    write_count(w, c.size());
    for (auto const& [k, v] : c) {
      w.write(k);
      w.write(v);
    }
  }
  static C decode(codec_reader& r) {
    constexpr std::size_t pair_size = min_size<key_type> + min_size<mapped_type>;
    auto const n = read_count<pair_size>(r);
    C c;
    if constexpr (!Ordered && pair_size != 0) {
      c.reserve(n); // buckets, bounded by the input as n is
    }
    for (std::size_t i = 0; i < n; ++i) {
      decode_element<pair_size, sizeof(typename C::value_type)>(r, [&] {
        auto k = r.read<key_type>(); // named: argument order is unspecified
        auto v = r.read<mapped_type>();
        if constexpr (Ordered) {
          c.emplace_hint(c.end(), std::move(k), std::move(v));
        } else {
          c.emplace(std::move(k), std::move(v));
        }
      });
    }
    return c;
  }
};

// A flag byte, then the value if there is one.
template <class E>
struct optional_codec {
  static constexpr std::size_t min_encoded_size = 1;

  static void encode(codec_writer& w, std::optional<E> const& o) {
    w.write(static_cast<std::uint8_t>(o.has_value()));
    if (o) {
      w.write(*o);
    }
  }
  static std::optional<E> decode(codec_reader& r) {
    auto const flag = r.read<std::uint8_t>();
    if (flag == 0) {
      return std::nullopt;
    }
    if (flag != 1) {
      throw_bad_flag(flag, "std::optional flag");
    }
    return std::optional<E>(std::in_place, r.read<E>());
  }
};

// The index, then the alternative.
template <class... E>
struct variant_codec {
  using variant_type = std::variant<E...>;
  using index_type =
      std::conditional_t<(sizeof...(E) < 256), std::uint8_t, std::uint32_t>;
  static constexpr std::size_t min_encoded_size = sizeof(index_type);

  /** @throws std::bad_variant_access if `v` is valueless by exception. */
  static void encode(codec_writer& w, variant_type const& v) {
    if (v.valueless_by_exception()) {
      throw std::bad_variant_access();
    }
    w.write(static_cast<index_type>(v.index()));
    std::visit([&w](auto const& alternative) { w.write(alternative); }, v);
  }
  static variant_type decode(codec_reader& r) {
    return decode_from<0>(r, r.read<index_type>());
  }

private:
  template <std::size_t I>
  static variant_type decode_from(codec_reader& r, index_type i) {
    if (i == I) {
      return variant_type(std::in_place_index<I>,
                          r.read<std::variant_alternative_t<I, variant_type>>());
    }
    if constexpr (I + 1 < sizeof...(E)) {
      return decode_from<I + 1>(r, i);
    } else {
      throw_bad_flag(i, "std::variant index");
    }
  }
};

template <class... E>
struct tuple_codec {
  static constexpr std::size_t min_encoded_size = (std::size_t{0} + ... + min_size<E>);

  static void encode(codec_writer& w, std::tuple<E...> const& t) {
    std::apply([&w](auto const&... e) { (w.write(e), ...); }, t);
  }
  // A braced list runs the reads in order.
  static std::tuple<E...> decode([[maybe_unused]] codec_reader& r) {
    return std::tuple<E...>{r.read<E>()...};
  }
};

template <class A, class B>
struct pair_codec {
  static constexpr std::size_t min_encoded_size = min_size<A> + min_size<B>;

  static void encode(codec_writer& w, std::pair<A, B> const& p) {
    w.write(p.first);
    w.write(p.second);
  }
  static std::pair<A, B> decode(codec_reader& r) {
    auto first = r.read<A>(); // named: argument order is unspecified
    return std::pair<A, B>(std::move(first), r.read<B>());
  }
};

template <class Rep, class Period>
struct duration_codec {
  using duration = std::chrono::duration<Rep, Period>;
  static constexpr std::size_t min_encoded_size = min_size<Rep>;

  static void encode(codec_writer& w, duration const& d) { w.write(d.count()); }
  static duration decode(codec_reader& r) { return duration(r.read<Rep>()); }
};

// steady_clock's epoch is the machine's boot, the same for every process on
// it; other clocks may not share an epoch between processes.
template <class Clock, class Duration>
struct time_point_codec {
  using time_point = std::chrono::time_point<Clock, Duration>;
  static constexpr std::size_t min_encoded_size = min_size<Duration>;

  static void encode(codec_writer& w, time_point const& t) {
    w.write(t.time_since_epoch());
  }
  static time_point decode(codec_reader& r) { return time_point(r.read<Duration>()); }
};

template <class R>
struct complex_codec {
  static constexpr std::size_t min_encoded_size = 2 * min_size<R>;

  static void encode(codec_writer& w, std::complex<R> const& c) {
    w.write(c.real());
    w.write(c.imag());
  }
  static std::complex<R> decode(codec_reader& r) {
    auto const re = r.read<R>();
    return std::complex<R>(re, r.read<R>());
  }
};

template <class T>
struct builtin_codec : generic_codec<T> {};

template <class Ch, class Traits, class Alloc>
struct builtin_codec<std::basic_string<Ch, Traits, Alloc>>
    : container<std::basic_string<Ch, Traits, Alloc>,
                string_codec<std::basic_string<Ch, Traits, Alloc>>> {};

template <class E, class Alloc>
struct builtin_codec<std::vector<E, Alloc>>
    : container<
          std::vector<E, Alloc>,
          std::conditional_t<raw_element<E>, contiguous_codec<std::vector<E, Alloc>>,
                             elements_codec<std::vector<E, Alloc>>>,
          E> {};

// Dependent names only: this is defined before codec<bool> may be used.
template <class Alloc>
struct builtin_codec<std::vector<bool, Alloc>>
    : container<
          std::vector<bool, Alloc>,
          std::conditional_t<bool_element<typename std::vector<bool, Alloc>::value_type>,
                             bit_vector_codec<std::vector<bool, Alloc>>,
                             elements_codec<std::vector<bool, Alloc>>>,
          typename std::vector<bool, Alloc>::value_type> {};

template <class E, class Alloc>
struct builtin_codec<std::deque<E, Alloc>>
    : container<std::deque<E, Alloc>, elements_codec<std::deque<E, Alloc>>, E> {};

template <class E, class Alloc>
struct builtin_codec<std::list<E, Alloc>>
    : container<std::list<E, Alloc>, elements_codec<std::list<E, Alloc>>, E> {};

template <class E, class Alloc>
struct builtin_codec<std::forward_list<E, Alloc>>
    : container<std::forward_list<E, Alloc>,
                forward_list_codec<std::forward_list<E, Alloc>>, E> {};

template <class E, std::size_t N>
struct builtin_codec<std::array<E, N>>
    : composite<std::array<E, N>, array_codec<E, N>, E> {};

template <class K, class Compare, class Alloc>
struct builtin_codec<std::set<K, Compare, Alloc>>
    : container<std::set<K, Compare, Alloc>, elements_codec<std::set<K, Compare, Alloc>>,
                K> {};

template <class K, class Compare, class Alloc>
struct builtin_codec<std::multiset<K, Compare, Alloc>>
    : container<std::multiset<K, Compare, Alloc>,
                elements_codec<std::multiset<K, Compare, Alloc>>, K> {};

template <class K, class Hash, class Eq, class Alloc>
struct builtin_codec<std::unordered_set<K, Hash, Eq, Alloc>>
    : container<std::unordered_set<K, Hash, Eq, Alloc>,
                elements_codec<std::unordered_set<K, Hash, Eq, Alloc>>, K> {};

template <class K, class Hash, class Eq, class Alloc>
struct builtin_codec<std::unordered_multiset<K, Hash, Eq, Alloc>>
    : container<std::unordered_multiset<K, Hash, Eq, Alloc>,
                elements_codec<std::unordered_multiset<K, Hash, Eq, Alloc>>, K> {};

template <class K, class V, class Compare, class Alloc>
struct builtin_codec<std::map<K, V, Compare, Alloc>>
    : container<std::map<K, V, Compare, Alloc>,
                map_codec<std::map<K, V, Compare, Alloc>, true>, K, V> {};

template <class K, class V, class Compare, class Alloc>
struct builtin_codec<std::multimap<K, V, Compare, Alloc>>
    : container<std::multimap<K, V, Compare, Alloc>,
                map_codec<std::multimap<K, V, Compare, Alloc>, true>, K, V> {};

template <class K, class V, class Hash, class Eq, class Alloc>
struct builtin_codec<std::unordered_map<K, V, Hash, Eq, Alloc>>
    : container<std::unordered_map<K, V, Hash, Eq, Alloc>,
                map_codec<std::unordered_map<K, V, Hash, Eq, Alloc>, false>, K, V> {};

template <class K, class V, class Hash, class Eq, class Alloc>
struct builtin_codec<std::unordered_multimap<K, V, Hash, Eq, Alloc>>
    : container<std::unordered_multimap<K, V, Hash, Eq, Alloc>,
                map_codec<std::unordered_multimap<K, V, Hash, Eq, Alloc>, false>, K, V> {
};

template <class E>
struct builtin_codec<std::optional<E>>
    : composite<std::optional<E>, optional_codec<E>, E> {};

template <class... E>
struct builtin_codec<std::variant<E...>>
    : composite<std::variant<E...>, variant_codec<E...>, E...> {};

template <class... E>
struct builtin_codec<std::tuple<E...>>
    : composite<std::tuple<E...>, tuple_codec<E...>, E...> {};

template <class A, class B>
struct builtin_codec<std::pair<A, B>>
    : composite<std::pair<A, B>, pair_codec<A, B>, A, B> {};

template <class Rep, class Period>
struct builtin_codec<std::chrono::duration<Rep, Period>>
    : composite<std::chrono::duration<Rep, Period>, duration_codec<Rep, Period>, Rep> {};

template <class Duration>
struct builtin_codec<std::chrono::time_point<std::chrono::system_clock, Duration>>
    : composite<std::chrono::time_point<std::chrono::system_clock, Duration>,
                time_point_codec<std::chrono::system_clock, Duration>, Duration> {};

template <class Duration>
struct builtin_codec<std::chrono::time_point<std::chrono::steady_clock, Duration>>
    : composite<std::chrono::time_point<std::chrono::steady_clock, Duration>,
                time_point_codec<std::chrono::steady_clock, Duration>, Duration> {};

template <class R>
struct builtin_codec<std::complex<R>> : composite<std::complex<R>, complex_codec<R>, R> {
};

// What only points at memory, or at code, of this process.
template <class Ch, class Traits>
struct builtin_codec<std::basic_string_view<Ch, Traits>>
    : refused<std::basic_string_view<Ch, Traits>, why_not::view> {};

template <class E, std::size_t N>
struct builtin_codec<std::span<E, N>> : refused<std::span<E, N>, why_not::view> {};

template <class Sig>
struct builtin_codec<std::function<Sig>>
    : refused<std::function<Sig>, why_not::function_wrapper> {};

#if defined(__cpp_lib_move_only_function)
template <class Sig>
struct builtin_codec<std::move_only_function<Sig>>
    : refused<std::move_only_function<Sig>, why_not::function_wrapper> {};
#endif

template <class E, class Deleter>
struct builtin_codec<std::unique_ptr<E, Deleter>>
    : refused<std::unique_ptr<E, Deleter>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::shared_ptr<E>>
    : refused<std::shared_ptr<E>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::weak_ptr<E>>
    : refused<std::weak_ptr<E>, why_not::smart_pointer> {};

template <class E>
struct builtin_codec<std::reference_wrapper<E>>
    : refused<std::reference_wrapper<E>, why_not::reference> {};

template <class T>
constexpr void require_codable() noexcept {
  using U = std::remove_cv_t<T>;
  if constexpr (codable<U>) {
    if constexpr (std::is_base_of_v<serialization_codec<U>, codec<U>>) {
      static_assert(
          requires { sizeof(boost_serialization_adapter<U>); },
          "T has a Boost.Serialization serialize(): include "
          "<concurrent/futures/boost_serialization.hpp> (and link "
          "Boost::serialization) where it crosses a process boundary");
    }
  } else if constexpr (!refused_codec<U>) {
    static_assert(dependent_false<T>, "cf::codec<T> is specialized but lacks static void "
                                      "encode(cf::codec_writer&, T const&) or static T "
                                      "decode(cf::codec_reader&)");
  } else if constexpr (codec<U>::why == why_not::part) {
    // The innermost culprit: its own reason, with this type in the
    // instantiation trace above it.
    require_codable<typename codec<U>::part>();
  } else if constexpr (codec<U>::why == why_not::reference) {
    static_assert(dependent_false<T>,
                  "a reference cannot cross a process boundary: the other process "
                  "gets a copy; pass the value (std::decay_t<T>) or an index");
  } else if constexpr (codec<U>::why == why_not::object_pointer) {
    static_assert(dependent_false<T>,
                  "a pointer cannot cross a process boundary; pass the value (e.g. "
                  "std::string instead of char const*) or an index");
  } else if constexpr (codec<U>::why == why_not::member_pointer) {
    static_assert(dependent_false<T>,
                  "a member pointer cannot cross a process boundary; pass an index "
                  "or an enum that names the member");
  } else if constexpr (codec<U>::why == why_not::function_wrapper) {
    static_assert(dependent_false<T>,
                  "std::function / std::move_only_function: its target cannot cross "
                  "a process boundary; pass a free function, a captureless lambda, "
                  "or a function object with a codec");
  } else if constexpr (codec<U>::why == why_not::view) {
    static_assert(dependent_false<T>,
                  "std::string_view / std::span point into this process's memory "
                  "and cannot cross a process boundary; pass an owning std::string "
                  "or std::vector");
  } else if constexpr (codec<U>::why == why_not::smart_pointer) {
    static_assert(dependent_false<T>,
                  "a smart pointer (std::unique_ptr, std::shared_ptr, "
                  "std::weak_ptr) cannot cross a process boundary; pass the value "
                  "it points to");
  } else if constexpr (codec<U>::why == why_not::unsupported_aggregate) {
    static_assert(dependent_false<T>,
                  "Boost.PFR cannot encode this aggregate (a base class, a "
                  "reference or C array member, or more than 100 fields): make "
                  "them plain fields, or specialize cf::codec<T>");
  } else {
    static_assert(dependent_false<T>,
                  "no cf::codec<T>: specialize cf::codec<T>, make T an aggregate "
                  "(Boost.PFR), or give it a Boost.Serialization serialize() and "
                  "include <concurrent/futures/boost_serialization.hpp> (a free or "
                  "private serialize() also needs cf::use_boost_serialization<T> = "
                  "true). A lambda with captures cannot cross a process boundary: "
                  "use a struct with the captured values as fields, or pass them as "
                  "arguments");
  }
}

} // namespace detail

} // namespace concurrent::futures

#endif
