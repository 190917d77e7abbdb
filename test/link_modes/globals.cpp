//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The README's promise, in each link mode: a worker runs calls with every
// static object of the program constructed. Built twice, against the
// static and the shared library, each time with a static library linked
// after concurrent_futures (whose initializers run after the library's in
// the static case) and a table in the program itself (initialised after
// the shared library's).

#define BOOST_TEST_MODULE link_modes
#include <concurrent/futures/process_pool_executor.hpp>

#include "late_table.hpp"
#include "support/process_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace cf = concurrent::futures;
namespace bdata = boost::unit_test::data;
namespace utf = boost::unit_test;

namespace {

std::map<std::string, int> const program_table = {{"one", 1}, {"two", 2}};

int program_lookup(std::string key) {
  auto const it = program_table.find(key);
  return it == program_table.end() ? -1 : it->second;
}

int late_library_lookup(std::string key) {
  return late_lookup(key);
}

std::vector<cf::start_method> const methods = {
    cf::start_method::forkserver, cf::start_method::spawn, cf::start_method::fork};

} // namespace

BOOST_DATA_TEST_CASE(workers_see_every_static_object_constructed, bdata::make(methods),
                     method) {
  cf::process_pool_executor pool{{.max_workers = 2, .start_method = method}};
  auto a = pool.submit(program_lookup, std::string("two"));
  auto b = pool.submit(late_library_lookup, std::string("two"));
  BOOST_TEST(a.result(std::chrono::seconds(60)) == 2);
  BOOST_TEST(b.result(std::chrono::seconds(60)) == 2);
}
