//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// The benchmarks' command line, written once: the options all of them take
// (--workers, --repeat, --quick, --json, --python, --python-script, -h and
// --help), the lists --only and --scaling take, and the parsing. An option
// given twice keeps its last value: bench/run.sh passes --python-script
// ahead of the arguments it was given, which may name another script.
//
// Not Boost.Program_options: it refuses a repeated option, accepts
// abbreviations (--work), and would make every default build of the project
// need one more Boost library and Debian package, for a dozen flags.

#ifndef CONCURRENT_FUTURES_BENCH_COMMAND_LINE_HPP
#define CONCURRENT_FUTURES_BENCH_COMMAND_LINE_HPP

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bench {

/// "1,2,4": the numbers of a comma-separated list, each in [1, 4096].
/**
 * @throws std::invalid_argument naming `what` for anything else.
 */
inline std::vector<int> parse_int_list(std::string const& s, char const* what) {
  std::vector<int> r;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    long const v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v <= 0 || v > 4096)
      throw std::invalid_argument(std::string("bad ") + what + ": " + s);
    r.push_back(static_cast<int>(v));
  }
  if (r.empty())
    throw std::invalid_argument(std::string("empty ") + what);
  return r;
}

/// The entries of `all` that a comma-separated list of keys names, each
/// once, in the order named: what --only takes.
/**
 * @param key_of the key of an entry
 * @param what "pool" or "variant", for the messages
 * @throws std::invalid_argument for an unknown key (the message lists the
 * known ones) or a list that names nothing.
 */
template <class T, std::size_t N, class KeyOf>
std::vector<T> parse_key_list(std::string const& list, T const (&all)[N], KeyOf key_of,
                              char const* what, char const* option) {
  std::vector<T> out;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto const it = std::find_if(std::begin(all), std::end(all),
                                 [&](T const& t) { return item == key_of(t); });
    if (it == std::end(all)) {
      std::string known;
      for (T const& t : all)
        known += (known.empty() ? "" : ", ") + std::string(key_of(t));
      throw std::invalid_argument("unknown " + std::string(what) + " in " + option +
                                  ": " + item + " (" + known + ")");
    }
    if (std::find(out.begin(), out.end(), *it) == out.end())
      out.push_back(*it);
  }
  if (out.empty())
    throw std::invalid_argument(std::string(option) + " selects no " + what);
  return out;
}

/// What every benchmark takes.
struct common_options {
  int workers = 2;
  int repeat = 3;
  bool quick = false;
  std::string json_path;
  std::string python;        // interpreter; empty: python3 on PATH
  std::string python_script; // empty: next to the binary, then the source tree
};

/// Options by name, and what each does with its value.
class command_line {
public:
  /// `program` starts every error message; `usage` is what --help prints.
  command_line(std::string program, std::string usage)
      : program_(std::move(program)), usage_(std::move(usage)) {}

  /// An option followed by a value, which `set` takes (and may refuse by
  /// throwing std::invalid_argument).
  command_line& option(std::string name, std::function<void(std::string const&)> set) {
    options_[std::move(name)] = std::move(set);
    return *this;
  }

  /// An option without a value.
  command_line& flag(std::string name, std::function<void()> set) {
    flags_[std::move(name)] = std::move(set);
    return *this;
  }

  /// --workers, --repeat, --quick, --json, --python and --python-script,
  /// into `o`.
  command_line& common(common_options& o) {
    option("--workers", [&o](std::string const& v) {
      o.workers = parse_int_list(v, "--workers").at(0);
    });
    option("--repeat", [&o](std::string const& v) {
      o.repeat = parse_int_list(v, "--repeat").at(0);
    });
    flag("--quick", [&o] { o.quick = true; });
    option("--json", [&o](std::string const& v) { o.json_path = v; });
    option("--python", [&o](std::string const& v) { o.python = v; });
    option("--python-script", [&o](std::string const& v) { o.python_script = v; });
    return *this;
  }

  /// Applies argv[1], argv[2], ... in order.
  /**
   * -h or --help prints the usage to stdout and ends the program with
   * status 0. An unknown argument, an option without its value or a value
   * refused prints why and the usage to stderr, and ends the program with
   * status 2.
   */
  void parse(int argc, char** argv) const {
    try {
      for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        if (a == "-h" || a == "--help") {
          std::cout << usage_;
          std::exit(0);
        }
        if (auto const f = flags_.find(a); f != flags_.end()) {
          f->second();
          continue;
        }
        auto const o = options_.find(a);
        if (o == options_.end())
          throw std::invalid_argument("unknown argument: " + a);
        if (i + 1 >= argc)
          throw std::invalid_argument(a + " needs a value");
        o->second(argv[++i]);
      }
    } catch (std::exception const& e) {
      std::cerr << program_ << ": " << e.what() << "\n\n" << usage_;
      std::exit(2);
    }
  }

private:
  std::string program_;
  std::string usage_;
  std::map<std::string, std::function<void(std::string const&)>> options_;
  std::map<std::string, std::function<void()>> flags_;
};

} // namespace bench

#endif
