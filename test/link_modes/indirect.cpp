//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A program that reaches libconcurrent_futures.so only through a shared
// library of its own: a worker cannot wait there for the program's static
// objects, so it must refuse to run calls, and the pool must say why and
// what to do, never return a value computed before them.

#define BOOST_TEST_MODULE link_modes_indirect
#include "plugin.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

BOOST_AUTO_TEST_CASE(workers_refuse_and_say_how_to_link) {
  for (int method : {0, 1}) {
    std::string const what = plugin_run(method);
    BOOST_TEST_MESSAGE(what);
    BOOST_TEST(what != "7");
    BOOST_TEST(what.find("Link the executable to libconcurrent_futures.so directly") !=
               std::string::npos);
  }
}
