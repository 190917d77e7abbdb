//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Outside the guard: included first, this header still gets the whole codec,
// itself included in its place, after what it needs.
#include <concurrent/futures/codec.hpp>

#ifndef CONCURRENT_FUTURES_DETAIL_CODEC_CONTAINERS_HPP
#define CONCURRENT_FUTURES_DETAIL_CODEC_CONTAINERS_HPP

// The standard containers: a count, then the elements (one copy of the whole
// buffer for a vector of scalars), each count checked against the input.

#include <concurrent/futures/detail/codec/bounds.hpp>
#include <concurrent/futures/detail/codec/refusal.hpp>
#include <concurrent/futures/detail/codec/scalars.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <deque>
#include <forward_list>
#include <iterator>
#include <list>
#include <map>
#include <set>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

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

} // namespace concurrent::futures::detail

#endif
