//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The seam between the foundation and the Wire: a call submitted through
// cf::executor& where the Wire is not visible runs on a thread pool, and a
// process pool refuses it with an error that names the header, while the
// same call submitted here, where the Wire is visible, crosses. One program
// holds both, so the two instantiations must not be confused at link time.

#include <concurrent/futures/process_pool_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include "without_wire.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

namespace cf = concurrent::futures;
namespace utf = boost::unit_test;

BOOST_AUTO_TEST_CASE(a_call_made_without_the_wire_is_refused_by_name, *utf::timeout(60)) {
  cf::process_pool_executor procs({.max_workers = 1});
  cf::thread_pool_executor threads({.max_workers = 1});
  cf::executor& p = procs;
  cf::executor& t = threads;
  BOOST_TEST(cf::test::submit_without_wire(t, 2).result() == 6);
  try {
    cf::test::submit_without_wire(p, 2);
    BOOST_FAIL("a call made without the Wire reached a worker");
  } catch (std::invalid_argument const& e) {
    BOOST_TEST(std::string(e.what()).find("process_pool_executor.hpp") !=
               std::string::npos);
  }
  auto parent = p.submit(cf::test::triple, 1);
  BOOST_CHECK_THROW(cf::test::submit_after_without_wire(p, parent),
                    std::invalid_argument);
  // The same call type, submitted where the Wire is visible.
  BOOST_TEST(p.submit(cf::test::triple, 2).result() == 6);
  BOOST_TEST(parent.result() == 3);
}
