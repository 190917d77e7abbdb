//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_CONFIG_HPP
#define CONCURRENT_FUTURES_CONFIG_HPP

#include <boost/config.hpp>

#include <chrono>
#include <optional>

// Symbol visibility for the compiled library. Define CONCURRENT_FUTURES_DYN_LINK
// when linking against the shared library (the CMake package does it for you).
#if defined(CONCURRENT_FUTURES_DYN_LINK)
#if defined(CONCURRENT_FUTURES_SOURCE)
#define CONCURRENT_FUTURES_DECL BOOST_SYMBOL_EXPORT
#else
#define CONCURRENT_FUTURES_DECL BOOST_SYMBOL_IMPORT
#endif
#else
#define CONCURRENT_FUTURES_DECL
#endif

#if __cplusplus < 202002L && !defined(_MSVC_LANG)
#error "concurrent-futures needs C++20 (-std=c++20)"
#endif

// A task's exception is the future's result, so the library cannot work
// without them; say so before the first throw in a header fails obscurely.
#if !defined(__cpp_exceptions) && !defined(__EXCEPTIONS) && !defined(_CPPUNWIND)
#error "concurrent-futures needs C++ exceptions (remove -fno-exceptions): a future \
carries its task's exception, and result() rethrows it"
#endif

/// Python's `concurrent.futures` on Boost.Asio. Users write
/// `namespace cf = concurrent::futures;`.
namespace concurrent::futures {

/// A timeout in seconds, as Python's `timeout=` argument: empty means wait
/// forever; `5s`, `200ms` and `1.5s` all convert; zero or negative means do
/// not wait at all.
using timeout_type = std::optional<std::chrono::duration<double>>;

} // namespace concurrent::futures

#endif
