//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The exception hierarchy mirrors Python's, with its messages.
#include <concurrent/futures/exceptions.hpp>

#include "support/test_support.hpp"

#include <type_traits>

BOOST_AUTO_TEST_SUITE(exceptions_tests)

BOOST_AUTO_TEST_CASE(hierarchy_mirrors_python) {
  static_assert(std::is_base_of_v<std::exception, cf::error>);
  static_assert(!std::is_base_of_v<std::runtime_error, cf::error>);
  static_assert(std::is_base_of_v<cf::error, cf::cancelled_error>);
  static_assert(std::is_base_of_v<cf::error, cf::timeout_error>);
  static_assert(std::is_base_of_v<cf::error, cf::invalid_state_error>);
  static_assert(std::is_base_of_v<std::runtime_error, cf::broken_executor>);
  static_assert(std::is_base_of_v<cf::broken_executor, cf::broken_thread_pool>);
  // And a handler written against the Python names catches what it should.
  auto caught_as_error = [](auto e) {
    try {
      throw e;
    } catch (cf::error const&) {
      return true;
    } catch (...) {
      return false;
    }
  };
  BOOST_TEST(caught_as_error(cf::cancelled_error()));
  BOOST_TEST(caught_as_error(cf::timeout_error()));
  BOOST_TEST(caught_as_error(cf::invalid_state_error("x")));
  BOOST_TEST(!caught_as_error(cf::broken_thread_pool()));
  BOOST_CHECK_THROW(throw cf::broken_thread_pool(), cf::broken_executor);
  BOOST_CHECK_THROW(throw cf::broken_thread_pool(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(messages_say_what_happened) {
  BOOST_TEST(std::string(cf::broken_thread_pool().what()) ==
             "A thread initializer failed, the thread pool is not usable anymore");
  // A cancelled future's own error; cancelled waits say otherwise (the
  // bridge's tests check theirs).
  BOOST_TEST(std::string(cf::cancelled_error().what())
                 .starts_with("the future was cancelled before it ran"));
  BOOST_TEST(std::string(cf::timeout_error().what()).find("timeout") !=
             std::string::npos);
  BOOST_TEST(std::string(cf::timeout_error("2 (of 4) futures unfinished").what()) ==
             "2 (of 4) futures unfinished");
}

BOOST_AUTO_TEST_CASE(copies_keep_the_message) {
  cf::invalid_state_error e("FINISHED: <future>");
  cf::invalid_state_error copy = e;
  BOOST_TEST(std::string(copy.what()) == "FINISHED: <future>");
  static_assert(std::is_nothrow_copy_constructible_v<cf::error>);
}

BOOST_AUTO_TEST_SUITE_END()
