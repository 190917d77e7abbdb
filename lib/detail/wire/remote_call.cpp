//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Exceptions across the process boundary, and running a call message.
// An exception_ptr means nothing in another process: the worker sends the
// exception's mangled type name, what(), and a system_error's code and
// category; the parent rebuilds the type from a table (the standard
// exceptions, this library's, the user's registered ones) or reports a
// remote_error.

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/exceptions.hpp>

#include <boost/core/demangle.hpp>

#include <cxxabi.h>

#include <future>
#include <ios>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <typeinfo>
#include <unordered_map>
#include <variant>

namespace concurrent::futures::detail {
namespace {

enum class exception_kind : std::uint8_t { other = 0, standard = 1, system = 2 };

template <class E>
std::exception_ptr make_from_what(std::string const& what) {
  return std::make_exception_ptr(E(what));
}

template <class E>
std::exception_ptr make_default(std::string const&) {
  return std::make_exception_ptr(E());
}

std::mutex registry_mutex;

std::unordered_map<std::string, exception_factory>& registry() {
  static std::unordered_map<std::string, exception_factory> r = [] {
    std::unordered_map<std::string, exception_factory> m;
    auto add = [&m](std::type_info const& t, exception_factory f) { m[t.name()] = f; };
    add(typeid(std::exception), make_default<std::exception>);
    add(typeid(std::runtime_error), make_from_what<std::runtime_error>);
    add(typeid(std::range_error), make_from_what<std::range_error>);
    add(typeid(std::overflow_error), make_from_what<std::overflow_error>);
    add(typeid(std::underflow_error), make_from_what<std::underflow_error>);
    add(typeid(std::logic_error), make_from_what<std::logic_error>);
    add(typeid(std::invalid_argument), make_from_what<std::invalid_argument>);
    add(typeid(std::domain_error), make_from_what<std::domain_error>);
    add(typeid(std::length_error), make_from_what<std::length_error>);
    add(typeid(std::out_of_range), make_from_what<std::out_of_range>);
    add(typeid(std::bad_alloc), make_default<std::bad_alloc>);
    add(typeid(std::bad_array_new_length), make_default<std::bad_array_new_length>);
    add(typeid(std::bad_cast), make_default<std::bad_cast>);
    add(typeid(std::bad_typeid), make_default<std::bad_typeid>);
    add(typeid(std::bad_exception), make_default<std::bad_exception>);
    add(typeid(std::bad_function_call), make_default<std::bad_function_call>);
    add(typeid(std::bad_optional_access), make_default<std::bad_optional_access>);
    add(typeid(std::bad_variant_access), make_default<std::bad_variant_access>);
    add(typeid(cancelled_error), make_from_what<cancelled_error>);
    add(typeid(timeout_error), make_from_what<timeout_error>);
    add(typeid(invalid_state_error), make_from_what<invalid_state_error>);
    add(typeid(error), make_from_what<error>);
    add(typeid(broken_executor), make_from_what<broken_executor>);
    add(typeid(broken_thread_pool), make_from_what<broken_thread_pool>);
    add(typeid(broken_process_pool), make_from_what<broken_process_pool>);
    add(typeid(broken_mpi_pool), make_from_what<broken_mpi_pool>);
    add(typeid(codec_error), make_from_what<codec_error>);
    return m;
  }();
  return r;
}

std::error_category const* category_named(std::string const& name) {
  for (auto const* c : {&std::generic_category(), &std::system_category(),
                        &std::iostream_category(), &std::future_category()})
    if (name == c->name())
      return c;
  return nullptr;
}

// libstdc++'s system_error::what() is "<what_arg>: <message>"; sending the
// what_arg alone makes the rebuilt exception's what() identical.
std::string what_arg_of(std::system_error const& e) {
  std::string what = e.what();
  std::string const suffix = ": " + e.code().message();
  if (what.size() >= suffix.size() &&
      what.compare(what.size() - suffix.size(), suffix.size(), suffix) == 0)
    what.resize(what.size() - suffix.size());
  else if (what == e.code().message())
    what.clear();
  return what;
}

} // namespace

void register_exception_factory(std::type_info const& type, exception_factory make) {
  std::lock_guard lock(registry_mutex);
  registry()[type.name()] = make;
}

void encode_current_exception(codec_writer& out) noexcept {
  try {
    std::type_info const* t = abi::__cxa_current_exception_type();
    std::string const type = t ? t->name() : "";
    try {
      throw;
    } catch (std::system_error const& e) {
      out.write(static_cast<std::uint8_t>(exception_kind::system));
      out.write(type);
      out.write(what_arg_of(e));
      out.write(static_cast<std::int32_t>(e.code().value()));
      out.write(std::string(e.code().category().name()));
    } catch (std::exception const& e) {
      out.write(static_cast<std::uint8_t>(exception_kind::standard));
      out.write(type);
      out.write(std::string(e.what()));
    } catch (...) {
      out.write(static_cast<std::uint8_t>(exception_kind::other));
      out.write(type);
      out.write(std::string());
    }
  } catch (...) {
    // Out of memory while encoding: the parent reads a truncated reply as a
    // codec_error, which still fails only this future.
  }
}

std::exception_ptr decode_exception(codec_reader& in, remote_origin const& from) {
  auto const kind_byte = in.read<std::uint8_t>();
  if (kind_byte > static_cast<std::uint8_t>(exception_kind::system))
    throw codec_error("cf::codec: corrupted input: an exception of kind " +
                      std::to_string(kind_byte) + ", not 0, 1 or 2");
  auto const kind = static_cast<exception_kind>(kind_byte);
  auto const type = in.read<std::string>();
  auto const what = in.read<std::string>();
  std::string const shown = type.empty() ? std::string("<unknown exception type>")
                                         : boost::core::demangle(type.c_str());
  if (kind == exception_kind::system) {
    auto const code = in.read<std::int32_t>();
    auto const category = in.read<std::string>();
    if (auto const* c = category_named(category)) {
      std::error_code const ec(code, *c);
      if (type == typeid(std::system_error).name())
        return std::make_exception_ptr(std::system_error(ec, what));
      if (type == typeid(std::ios_base::failure).name())
        return std::make_exception_ptr(std::ios_base::failure(what, ec));
      if (type == typeid(std::future_error).name() && c == &std::future_category())
        return std::make_exception_ptr(
            std::future_error(static_cast<std::future_errc>(code)));
    }
    return std::make_exception_ptr(remote_error(
        shown, what.empty() ? category + " error " + std::to_string(code) : what,
        from.pid, from.rank, std::string(from.host)));
  }
  exception_factory make = nullptr;
  {
    std::lock_guard lock(registry_mutex);
    auto const it = registry().find(type);
    if (it != registry().end())
      make = it->second;
  }
  if (make && kind == exception_kind::standard)
    return make(what);
  return std::make_exception_ptr(
      remote_error(shown, what, from.pid, from.rank, std::string(from.host)));
}

void run_call(std::span<std::byte const> message,
              std::vector<std::byte>& reply) noexcept {
  std::size_t const start = reply.size();
  try {
    codec_reader in(message);
    code_ref ref;
    ref.module = in.read<std::uint32_t>();
    ref.offset = in.read<std::uint64_t>();
    auto const trampoline =
        reinterpret_cast<trampoline_fn>(const_cast<void*>(from_code_ref(ref)));
    trampoline(in, reply);
  } catch (...) {
    try {
      write_exception_reply(reply, start);
    } catch (...) { // no memory for even the status: the reply stays empty
      reply.resize(start);
    }
  }
}

} // namespace concurrent::futures::detail
