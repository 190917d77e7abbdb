//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "modules.hpp"

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/detail/wire/call.hpp>

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace concurrent::futures::detail {
namespace process {
namespace {

struct module_info {
  std::string key;  // "build-id:<hex>", or "file:<path>" without one
  std::string name; // for messages
  std::uintptr_t base = 0;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> segments; // [begin, end)
};

std::string hex(unsigned char const* p, std::size_t n) {
  static char const digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s += digits[p[i] >> 4];
    s += digits[p[i] & 15];
  }
  return s;
}

std::string executable_path() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n))
               : std::string("(executable)");
}

int collect(dl_phdr_info* info, std::size_t, void* data) {
  auto& out = *static_cast<std::vector<module_info>*>(data);
  module_info m;
  m.base = info->dlpi_addr;
  m.name = info->dlpi_name && *info->dlpi_name ? info->dlpi_name
           : out.empty()                       ? executable_path()
                                               : std::string("(unnamed)");
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    ElfW(Phdr) const& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD) {
      m.segments.emplace_back(info->dlpi_addr + ph.p_vaddr,
                              info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
    } else if (ph.p_type == PT_NOTE && m.key.empty()) {
      auto const* p =
          reinterpret_cast<unsigned char const*>(info->dlpi_addr + ph.p_vaddr);
      auto const* end = p + ph.p_memsz;
      while (p + sizeof(ElfW(Nhdr)) <= end) {
        ElfW(Nhdr) nh;
        std::memcpy(&nh, p, sizeof nh);
        auto const* name = p + sizeof nh;
        auto const* desc = name + ((nh.n_namesz + 3) & ~3u);
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            std::memcmp(name, "GNU", 4) == 0 && desc + nh.n_descsz <= end) {
          m.key = "build-id:" + hex(desc, nh.n_descsz);
          break;
        }
        p = desc + ((nh.n_descsz + 3) & ~3u);
      }
    }
  }
  if (m.key.empty())
    m.key = "file:" + m.name;
  out.push_back(std::move(m));
  return 0;
}

std::vector<module_info> loaded_modules() {
  std::vector<module_info> out;
  ::dl_iterate_phdr(collect, &out);
  return out;
}

// The parent's list only grows, so an index stays valid for the life of
// the process (a module loaded later gets a new index).
std::mutex table_mutex;
std::vector<module_info>& table() {
  static std::vector<module_info> t;
  return t;
}

// In a worker: the parent's index -> this process' load address, whether
// that module is loaded here, and the parent's names for messages.
std::vector<std::uintptr_t> translation;
std::vector<bool> available;
std::vector<std::string> parent_names;

bool contains(module_info const& m, std::uintptr_t a) {
  for (auto const& [b, e] : m.segments)
    if (a >= b && a < e)
      return true;
  return false;
}

} // namespace

std::vector<std::byte> encode_module_table() {
  std::lock_guard lock(table_mutex);
  auto& t = table();
  for (auto& m : loaded_modules()) {
    bool known = false;
    for (auto const& k : t)
      known = known || (k.key == m.key && k.base == m.base);
    if (!known)
      t.push_back(std::move(m));
  }
  std::vector<std::byte> out;
  codec_writer w(out);
  w.write(static_cast<std::uint64_t>(t.size()));
  for (auto const& m : t) {
    w.write(m.key);
    w.write(m.name);
  }
  return out;
}

std::string adopt_module_table(std::span<std::byte const> bytes) {
  try {
    codec_reader r(bytes);
    auto const n = r.read<std::uint64_t>();
    auto const mine = loaded_modules();
    if (n > bytes.size())
      throw codec_error("module count larger than the table");
    translation.assign(n, 0);
    available.assign(n, false);
    parent_names.assign(n, {});
    for (std::uint64_t i = 0; i < n; ++i) {
      auto key = r.read<std::string>();
      parent_names[i] = r.read<std::string>();
      for (auto const& m : mine)
        if (m.key == key && !available[i]) {
          translation[i] = m.base;
          available[i] = true;
        }
      if (i == 0 && (mine.empty() || mine.front().key != key)) {
        std::string const name = mine.empty() ? std::string("?") : mine.front().name;
        return "this process runs another build of the program than the one that sends "
               "it calls: its executable " +
               name + " has " + (mine.empty() ? std::string("?") : mine.front().key) +
               ", the sender's " + parent_names[0] + " has " + key +
               (name == parent_names[0]
                    ? ". The file changed after the program started: restart the program"
                    : ". Run the same build of the program everywhere");
      }
    }
    return {};
  } catch (std::exception const& e) {
    return std::string("the pool's module table is unreadable: ") + e.what();
  }
}

std::string module_build_mismatch(std::span<std::byte const> bytes) {
  try {
    codec_reader r(bytes);
    auto const n = r.read<std::uint64_t>();
    if (n > bytes.size())
      throw codec_error("module count larger than the table");
    auto const mine = loaded_modules();
    for (std::uint64_t i = 0; i < n; ++i) {
      auto const key = r.read<std::string>();
      auto const name = r.read<std::string>();
      // The kernel's vDSO differs between kernels; no call names it.
      if (name.rfind("linux-vdso", 0) == 0 || name.rfind("linux-gate", 0) == 0)
        continue;
      for (auto const& m : mine)
        if (m.name == name && m.key != key)
          return "its " + name + " has " + m.key + ", the root's has " + key;
    }
    return {};
  } catch (std::exception const& e) {
    return std::string("the root's module table is unreadable: ") + e.what();
  }
}

borrowed_module_table::borrowed_module_table(std::span<std::byte const> table)
    : translation_(std::move(translation)), available_(std::move(available)),
      names_(std::move(parent_names)) {
  std::string const why = adopt_module_table(table);
  if (!why.empty()) {
    translation = std::move(translation_);
    available = std::move(available_);
    parent_names = std::move(names_);
    throw std::runtime_error(why);
  }
}

borrowed_module_table::~borrowed_module_table() {
  translation = std::move(translation_);
  available = std::move(available_);
  parent_names = std::move(names_);
}

} // namespace process

code_ref to_code_ref(void const* code) {
  auto const a = reinterpret_cast<std::uintptr_t>(code);
  std::lock_guard lock(process::table_mutex);
  auto& t = process::table();
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (std::size_t i = 0; i < t.size(); ++i)
      if (process::contains(t[i], a))
        return {static_cast<std::uint32_t>(i), a - t[i].base};
    // A module loaded since the last look (dlopen).
    for (auto& m : process::loaded_modules()) {
      bool known = false;
      for (auto const& k : t)
        known = known || (k.key == m.key && k.base == m.base);
      if (!known)
        t.push_back(std::move(m));
    }
  }
  throw std::invalid_argument(
      "the function is in no loaded module; it cannot be named in "
      "another process");
}

void const* from_code_ref(code_ref ref) {
  using process::available;
  using process::parent_names;
  using process::translation;
  if (ref.module >= translation.size())
    throw std::runtime_error(
        "the call's code is in a module the pool's process loaded after this worker "
        "started (dlopen); it is not available in the worker. Load the library before "
        "creating the pool");
  if (!available[ref.module])
    throw std::runtime_error("the call's code is in " + parent_names[ref.module] +
                             ", which is not loaded in the worker process (or is "
                             "another build of it)");
  return reinterpret_cast<void const*>(translation[ref.module] + ref.offset);
}

} // namespace concurrent::futures::detail
