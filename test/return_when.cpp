//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Python's FIRST_COMPLETED / FIRST_EXCEPTION / ALL_COMPLETED constants.
#include <concurrent/futures/return_when.hpp>

#include "support/test_support.hpp"

#include <concurrent/futures/wait.hpp>

BOOST_AUTO_TEST_SUITE(return_when_tests)

BOOST_AUTO_TEST_CASE(constants_name_the_enumerators) {
  static_assert(cf::first_completed == cf::return_when::first_completed);
  static_assert(cf::first_exception == cf::return_when::first_exception);
  static_assert(cf::all_completed == cf::return_when::all_completed);
  // The default, as in Python, is ALL_COMPLETED.
  BOOST_TEST((cf::wait_options{}.return_when == cf::all_completed));
  BOOST_TEST(!cf::wait_options{}.timeout.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
