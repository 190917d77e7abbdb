//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// libFuzzer target over every decoder a process pool runs on bytes from
// another process: cf::codec for a wide set of types (scalars, strings,
// every container, containers of values that encode to no bytes, vocabulary
// types, chrono, Boost.PFR aggregates, Boost.Serialization classes, a
// recursive user codec), decode_exception, and a worker's reply completing a
// real call's future. The first byte picks the decoder, the rest is its
// input.
//
// Each decoder must return a value or throw codec_error: anything else
// escapes and libFuzzer reports it, as it does a sanitizer's report, an
// allocation over -malloc_limit_mb and an input slower than -timeout. A
// decoded value must also encode and decode again to the same bytes (to an
// equal value for unordered containers, whose order is their own).
//
// Built and run by tools/fuzz.sh. With CODEC_FUZZ_WRITE_CORPUS=DIR in its
// environment, the binary writes its seeds to DIR instead (one file per
// sample value of each decoder, named after the decoder), which is how
// test/fuzz/corpus was made: regenerate it whenever the table below changes.

#include <concurrent/futures/boost_serialization.hpp>
#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/detail/wire/seam.hpp>
#include <concurrent/futures/exceptions.hpp>
#include <concurrent/futures/future.hpp>

#include <boost/serialization/list.hpp>
#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/unordered_map.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/serialization/version.hpp>

#include <array>
#include <chrono>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <forward_list>
#include <fstream>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------- types

enum class colour : std::uint8_t { red, green, blue };

struct empty {
  auto operator<=>(empty const&) const = default;
};

// Every value alike: unordered containers of values that encode to nothing
// need a hash, and this one is their worst case.
struct same_hash {
  template <class T>
  std::size_t operator()(T const&) const noexcept {
    return 0;
  }
};

struct point {
  double x;
  double y;
};

struct person {
  std::string name;
  std::vector<std::string> nicknames;
  std::optional<std::variant<int, std::string, point>> tag;
  std::map<std::string, std::vector<point>> places;
  colour favourite;
  std::array<point, 2> box;
  bool active;
  std::chrono::milliseconds delay;
};

// 64 KiB in memory, one byte encoded when empty.
struct page {
  std::optional<std::array<char, 65536>> bytes;
};

// Boost.Serialization writes nothing for it, past its class's first.
struct quiet {
  template <class Archive>
  void serialize(Archive&, unsigned) {}
};

// Every kind of field Boost.Serialization reads a size or a flag for.
struct record {
  std::string name;
  std::wstring wide;
  std::vector<int> numbers;
  std::vector<std::string> words;
  std::vector<bool> flags;
  std::list<quiet> marks;
  std::map<std::string, std::vector<double>> series;
  bool ok = false;
  colour hue = colour::red;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& name& wide& numbers& words& flags& marks& series& ok& hue;
  }
};

// Its bucket count travels too; compared as values.
struct catalogue {
  std::unordered_map<std::string, int> entries;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& entries;
  }
  bool operator==(catalogue const&) const = default;
};

// Recursive through Boost.Serialization.
struct tree {
  std::vector<tree> kids;
  template <class Archive>
  void serialize(Archive& ar, unsigned) {
    ar& kids;
  }
};

// Recursive through a user codec, one byte a link.
struct chain {
  std::unique_ptr<chain> next;
};

} // namespace

BOOST_CLASS_VERSION(record, 3)

template <>
struct cf::codec<chain> {
  static void encode(cf::codec_writer& w, chain const& c) {
    w.write(c.next != nullptr);
    if (c.next) {
      w.write(*c.next);
    }
  }
  static chain decode(cf::codec_reader& r) {
    chain c;
    if (r.read<bool>()) {
      c.next = std::make_unique<chain>(r.read<chain>());
    }
    return c;
  }
};

namespace {

// ---------------------------------------------------------------- checks

[[noreturn]] void fail(char const* what) {
  std::fprintf(stderr, "codec_fuzz: %s\n", what);
  std::abort();
}

template <class T>
std::vector<std::byte> encode(T const& value) {
  std::vector<std::byte> out;
  cf::codec_writer w(out);
  w.write(value);
  return out;
}

// A reader with all but 4 KiB of its allowance for elements that encode to
// no bytes spent: the same bound at a size that a sanitized build reaches in
// milliseconds rather than seconds (a std::set of 2^20 empty keys), so that
// inputs which reach it do not slow fuzzing down a thousandfold.
cf::codec_reader fuzz_reader(std::span<std::byte const> in) {
  cf::codec_reader r(in);
  r.charge_empty_elements(cf::codec_reader::max_empty_element_bytes - 4096);
  return r;
}

enum class compare { bytes, values };

template <class T, compare Compare>
void fuzz_value(std::span<std::byte const> in) {
  std::optional<T> value;
  try {
    cf::codec_reader r = fuzz_reader(in);
    value.emplace(r.read<T>());
  } catch (cf::codec_error const&) {
    return;
  }
  auto const bytes = encode(*value);
  cf::codec_reader r = fuzz_reader(bytes);
  std::optional<T> again;
  try {
    again.emplace(r.read<T>());
  } catch (cf::codec_error const& e) {
    std::fprintf(stderr, "codec_fuzz: %s\n", e.what());
    fail("a decoded value, encoded again, does not decode");
  }
  if (r.remaining() != 0) {
    fail("a decoded value, encoded again, did not decode to its end");
  }
  if constexpr (Compare == compare::bytes) {
    if (encode(*again) != bytes) {
      fail("a decoded value, encoded and decoded again, encodes differently");
    }
  } else if (!(*again == *value)) {
    fail("a decoded value, encoded and decoded again, is not equal to itself");
  }
}

void fuzz_exception(std::span<std::byte const> in) {
  std::exception_ptr e;
  try {
    cf::codec_reader r(in);
    e = cf::detail::decode_exception(r, 4242);
  } catch (cf::codec_error const&) {
    return;
  }
  if (!e) {
    fail("decode_exception returned no exception");
  }
  // What it rebuilt crosses again.
  std::vector<std::byte> bytes;
  cf::codec_writer w(bytes);
  try {
    std::rethrow_exception(e);
  } catch (...) {
    cf::detail::encode_current_exception(w);
  }
  cf::codec_reader r(bytes);
  if (!cf::detail::decode_exception(r, 4242) || r.remaining() != 0) {
    fail("a decoded exception, encoded again, did not decode to its end");
  }
}

template <class R>
R make_result() {
  if constexpr (!std::is_void_v<R>) {
    return R{};
  }
}

// A reply completes its call's future, never anything else; a value that
// does not decode fails the future with codec_error.
template <class R>
void fuzz_reply(std::span<std::byte const> in) {
  using task_type = cf::detail::call_task<R, R (*)()>;
  auto* task = new task_type(&make_result<R>);
  auto const f = cf::detail::future_access::adopt<R>(task);
  task->remote = cf::detail::wire_seam<cf::detail::this_tu>::ops<task_type>();
  if (!cf::detail::start_remote(*task)) {
    fail("a call could not start");
  }
  cf::detail::complete_remote(*task, in, 4242);
  if (!f.done()) {
    fail("a reply left its future pending");
  }
  auto const e = f.exception();
  bool const value_reply =
      !in.empty() && in[0] == static_cast<std::byte>(cf::detail::reply_status::value);
  if (e && value_reply) {
    try {
      std::rethrow_exception(e);
    } catch (cf::codec_error const&) {
    } catch (...) {
      fail("a value reply that did not decode failed with other than codec_error");
    }
  }
}

// ---------------------------------------------------------------- the table

struct decoder {
  std::string name;
  void (*fuzz)(std::span<std::byte const>);
  std::vector<std::vector<std::byte>> seeds;
};

template <class T, compare Compare = compare::bytes, class... Samples>
decoder value(std::string name, Samples const&... samples) {
  return {std::move(name), &fuzz_value<T, Compare>, {encode(T(samples))...}};
}

template <class E>
std::vector<std::byte> exception_bytes(E const& e) {
  std::vector<std::byte> out;
  cf::codec_writer w(out);
  try {
    throw e;
  } catch (...) {
    cf::detail::encode_current_exception(w);
  }
  return out;
}

std::vector<std::vector<std::byte>> exception_seeds() {
  return {exception_bytes(std::runtime_error("boom")),
          exception_bytes(
              std::system_error(std::make_error_code(std::errc::timed_out), "waited")),
          exception_bytes(std::future_error(std::future_errc::broken_promise)),
          exception_bytes(cf::timeout_error("late")), exception_bytes(42)};
}

template <class R>
std::vector<std::vector<std::byte>> reply_seeds(std::optional<R> const& sample) {
  std::vector<std::vector<std::byte>> seeds;
  for (auto const& e : exception_seeds()) {
    seeds.push_back({static_cast<std::byte>(cf::detail::reply_status::exception)});
    seeds.back().insert(seeds.back().end(), e.begin(), e.end());
  }
  seeds.push_back({static_cast<std::byte>(cf::detail::reply_status::value)});
  if (sample) {
    auto const bytes = encode(*sample);
    seeds.back().insert(seeds.back().end(), bytes.begin(), bytes.end());
  }
  return seeds;
}

template <class R>
decoder reply(std::string name, std::optional<R> const& sample = {}) {
  return {std::move(name), &fuzz_reply<R>, reply_seeds<R>(sample)};
}

decoder void_reply() {
  std::vector<std::vector<std::byte>> seeds;
  for (auto const& e : exception_seeds()) {
    seeds.push_back({static_cast<std::byte>(cf::detail::reply_status::exception)});
    seeds.back().insert(seeds.back().end(), e.begin(), e.end());
  }
  seeds.push_back({static_cast<std::byte>(cf::detail::reply_status::value)});
  return {"reply_void", &fuzz_reply<void>, seeds};
}

chain chain_of(std::size_t links) {
  chain head;
  for (std::size_t i = 0; i < links; ++i) {
    chain link;
    link.next = std::make_unique<chain>(std::move(head));
    head = std::move(link);
  }
  return head;
}

tree tree_of(std::size_t depth, std::size_t width) {
  tree root;
  tree* leaf = &root;
  for (std::size_t i = 1; i < depth; ++i) {
    leaf->kids.resize(width);
    leaf = &leaf->kids.front();
  }
  return root;
}

person sample_person() {
  return person{"Ada",
                {"A", "", "Countess"},
                std::variant<int, std::string, point>(point{1, 2}),
                {{"home", {point{0, 1}}}, {"none", {}}},
                colour::blue,
                {point{1, 2}, point{-3.5, 4e100}},
                true,
                1500ms};
}

record sample_record() {
  record r;
  r.name = "ledger";
  r.wide = L"w\u00e9";
  r.numbers = {1, -2, 3};
  r.words = {"a", "", "bc"};
  r.flags = {true, false, true};
  r.marks.resize(3);
  r.series = {{"x", {1.5, 2.5}}, {"y", {}}};
  r.ok = true;
  r.hue = colour::green;
  return r;
}

// Appended to, never reordered, so that the seeds keep their decoder: the
// first byte of an input picks entry (byte % size).
std::vector<decoder> const& decoders() {
  using namespace std::string_literals;
  using tuple_t = std::tuple<int, std::string, bool>;
  using variant_t = std::variant<std::monostate, int, std::string, std::vector<int>>;
  auto const lambda = [](int x) { return x + 1; };
  using lambda_t = std::remove_const_t<decltype(lambda)>;
  static std::vector<decoder> const table{
      // scalars
      value<bool>("bool", true),
      value<std::int8_t>("int8", std::int8_t{-5}),
      value<std::uint16_t>("uint16", std::uint16_t{65535}),
      value<std::int32_t>("int32", -123456),
      value<std::int64_t>("int64", std::int64_t{1} << 40),
      value<double>("double", 2.5),
      value<float>("float", -0.0f),
      value<char32_t>("char32", U'x'),
      value<colour>("colour", colour::blue),
      value<std::byte>("byte", std::byte{0xFE}),
      // strings
      value<std::string>("string", ""s, "hello"s),
      value<std::u16string>("u16string", std::u16string(u"\u00e9t\u00e9")),
      value<std::u32string>("u32string", std::u32string(U"\U0001F600")),
      value<std::wstring>("wstring", std::wstring(L"w")),
      // sequences
      value<std::vector<int>>("vector_int", std::vector<int>{1, -2, 3}),
      value<std::vector<bool>>("vector_bool", std::vector<bool>{true, false, true}),
      value<std::vector<std::string>>("vector_string",
                                      std::vector<std::string>{"a", "", "bc"}),
      value<std::vector<double>>("vector_double", std::vector<double>{0.5, -1}),
      value<std::deque<std::int16_t>>("deque_int16", std::deque<std::int16_t>{7, -8}),
      value<std::list<std::string>>("list_string", std::list<std::string>{"x", "y"}),
      value<std::forward_list<int>>("forward_list_int", std::forward_list<int>{3, 1}),
      value<std::array<int, 3>>("array_int", std::array<int, 3>{1, 2, 3}),
      value<std::array<std::string, 2>>("array_string",
                                        std::array<std::string, 2>{"a", "b"}),
      // associative
      value<std::set<int>>("set_int", std::set<int>{1, 2, 3}),
      value<std::multiset<std::string>>("multiset_string",
                                        std::multiset<std::string>{"a", "a", "b"}),
      value<std::unordered_set<int>, compare::values>("unordered_set_int",
                                                      std::unordered_set<int>{5, 6}),
      value<std::unordered_multiset<std::string>, compare::values>(
          "unordered_multiset_string", std::unordered_multiset<std::string>{"w", "w"}),
      value<std::map<std::string, int>>("map_string_int",
                                        std::map<std::string, int>{{"one", 1}}),
      value<std::multimap<int, std::string>>(
          "multimap_int_string", std::multimap<int, std::string>{{1, "a"}, {1, "b"}}),
      value<std::unordered_map<int, std::vector<int>>, compare::values>(
          "unordered_map_int_vector",
          std::unordered_map<int, std::vector<int>>{{1, {2, 3}}, {4, {}}}),
      value<std::unordered_multimap<std::string, int>, compare::values>(
          "unordered_multimap_string_int",
          std::unordered_multimap<std::string, int>{{"k", 1}, {"k", 2}}),
      // elements that encode to no bytes
      value<std::vector<empty>>("vector_empty", std::vector<empty>(3)),
      value<std::vector<std::tuple<>>>("vector_tuple0", std::vector<std::tuple<>>(2)),
      value<std::set<empty>>("set_empty", std::set<empty>{empty{}}),
      value<std::multiset<std::monostate>>(
          "multiset_monostate",
          std::multiset<std::monostate>{std::monostate{}, std::monostate{}}),
      value<std::list<empty>>("list_empty", std::list<empty>(2)),
      value<std::forward_list<std::tuple<>>>("forward_list_tuple0",
                                             std::forward_list<std::tuple<>>(2)),
      value<std::deque<std::monostate>>("deque_monostate", std::deque<std::monostate>(2)),
      value<std::unordered_set<empty, same_hash>, compare::values>(
          "unordered_set_empty", std::unordered_set<empty, same_hash>{empty{}}),
      value<std::unordered_multimap<empty, empty, same_hash>, compare::values>(
          "unordered_multimap_empty",
          std::unordered_multimap<empty, empty, same_hash>{{empty{}, empty{}}}),
      value<std::map<empty, empty>>("map_empty",
                                    std::map<empty, empty>{{empty{}, empty{}}}),
      value<std::vector<std::vector<empty>>>(
          "vector_vector_empty",
          std::vector<std::vector<empty>>{{}, std::vector<empty>(2)}),
      value<std::vector<std::array<empty, 3>>>("vector_array_empty",
                                               std::vector<std::array<empty, 3>>(2)),
      value<std::vector<std::array<int, 0>>>("vector_array0",
                                             std::vector<std::array<int, 0>>(2)),
      value<std::vector<lambda_t>>("vector_lambda", std::vector<lambda_t>(2, lambda)),
      // vocabulary
      value<std::optional<int>>("optional_int", std::optional<int>(),
                                std::optional<int>(3)),
      value<std::optional<std::string>>("optional_string",
                                        std::optional<std::string>("s")),
      value<variant_t>("variant", variant_t(), variant_t("v"s),
                       variant_t(std::vector<int>{1})),
      value<tuple_t>("tuple", tuple_t(1, "two", true)),
      value<std::pair<std::string, std::optional<double>>>(
          "pair", std::pair<std::string, std::optional<double>>("k", 1.5)),
      value<std::monostate>("monostate", std::monostate{}),
      // chrono, complex
      value<std::chrono::milliseconds>("milliseconds", 1500ms),
      value<std::chrono::duration<double>>("duration_double",
                                           std::chrono::duration<double>(2.5)),
      value<std::chrono::system_clock::time_point>(
          "system_time_point", std::chrono::system_clock::time_point(123456789ns)),
      value<std::chrono::steady_clock::time_point>(
          "steady_time_point", std::chrono::steady_clock::time_point(987654321ns)),
      value<std::complex<double>>("complex", std::complex<double>(1.5, -2)),
      // aggregates, nested
      value<person>("person", sample_person()),
      value<std::map<std::string, std::vector<std::set<int>>>>(
          "map_vector_set",
          std::map<std::string, std::vector<std::set<int>>>{{"a", {{1, 2}, {}}}}),
      value<std::vector<std::map<int, std::vector<empty>>>>(
          "vector_map_vector_empty",
          std::vector<std::map<int, std::vector<empty>>>{{{1, std::vector<empty>(2)}}}),
      decoder{"chain",
              &fuzz_value<chain, compare::bytes>,
              {encode(chain_of(0)), encode(chain_of(3))}},
      // Boost.Serialization
      value<record>("boost_record", sample_record()),
      value<catalogue, compare::values>("boost_unordered",
                                        catalogue{{{"a", 1}, {"b", 2}}}),
      value<tree>("boost_tree", tree_of(4, 2)),
      value<std::vector<record>>("vector_boost_record",
                                 std::vector<record>{sample_record(), record{}}),
      // exceptions and replies
      decoder{"exception", &fuzz_exception, exception_seeds()},
      reply<int>("reply_int", 42),
      reply<std::string>("reply_string", "done"s),
      void_reply(),
      reply<std::vector<empty>>("reply_vector_empty", std::vector<empty>(2)),
      reply<std::map<std::string, std::vector<int>>>(
          "reply_map", std::map<std::string, std::vector<int>>{{"k", {1}}}),
      reply<record>("reply_boost_record", sample_record()),
      value<std::vector<page>>("vector_page", std::vector<page>(2)),
  };
  return table;
}

// Seeds: one file per sample, its first byte the decoder's index.
void write_corpus(std::filesystem::path const& dir) {
  std::filesystem::create_directories(dir);
  auto const& table = decoders();
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t k = 0; k < table[i].seeds.size(); ++k) {
      std::string const number = std::to_string(i);
      std::string const name = std::string(3 - number.size(), '0') + number + "-" +
                               table[i].name + "-" + std::to_string(k);
      std::ofstream out(dir / name, std::ios::binary);
      out.put(static_cast<char>(i));
      out.write(reinterpret_cast<char const*>(table[i].seeds[k].data()),
                static_cast<std::streamsize>(table[i].seeds[k].size()));
      if (!out) {
        fail("cannot write the corpus");
      }
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (char const* dir = std::getenv("CODEC_FUZZ_WRITE_CORPUS")) {
    write_corpus(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  auto const& table = decoders();
  table[data[0] % table.size()].fuzz(
      std::span(reinterpret_cast<std::byte const*>(data) + 1, size - 1));
  return 0;
}
