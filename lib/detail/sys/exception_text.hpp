//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_SYS_EXCEPTION_TEXT_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_SYS_EXCEPTION_TEXT_HPP

// What an exception_ptr holds, in words, for messages and repr().

#include <boost/core/demangle.hpp>

#include <exception>
#include <string>
#include <typeinfo>

namespace concurrent::futures::detail {

/// The exception's what(), or a phrase for a thrown non-std::exception.
inline std::string what_of(std::exception_ptr const& e) {
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& x) {
    return x.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

/// The exception's dynamic type, demangled, for repr() ("raised X").
inline std::string type_name_of(std::exception_ptr const& e) {
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& x) {
    return boost::core::demangle(typeid(x).name());
  } catch (...) {
    return "a non-std::exception";
  }
}

} // namespace concurrent::futures::detail

#endif
