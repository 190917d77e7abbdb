//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The one Boost.Test module initialiser, built once and linked into every
// test executable.
#define BOOST_TEST_MODULE concurrent_futures
#include <boost/test/unit_test.hpp>
