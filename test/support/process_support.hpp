//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_PROCESS_SUPPORT_HPP
#define CONCURRENT_FUTURES_TEST_PROCESS_SUPPORT_HPP

// What the process-pool tests look at from outside: processes in /proc, this
// process' descriptors, and shared memory of ours; the leak check every
// case of theirs ends with; the start methods they run with; and a gate, a
// file that a call in a worker waits for.

#include <concurrent/futures/process_pool_executor.hpp>

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

// Sanitizer builds: CF_TEST_SANITIZED for either, CF_TEST_UNDER_TSAN for
// ThreadSanitizer (gcc says so with a macro, clang with __has_feature).
#if defined(__SANITIZE_THREAD__)
#define CF_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CF_TEST_UNDER_TSAN 1
#endif
#endif
#if defined(CF_TEST_UNDER_TSAN) || defined(__SANITIZE_ADDRESS__)
#define CF_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CF_TEST_SANITIZED 1
#endif
#endif

namespace concurrent::futures {
// Boost.Test prints a data case's sample.
inline std::ostream& operator<<(std::ostream& os, start_method m) {
  return os << (m == start_method::forkserver ? "forkserver"
                : m == start_method::spawn    ? "spawn"
                                              : "fork");
}
} // namespace concurrent::futures

namespace test {

/// Every start method a case runs with. Left out under TSan: fork. TSan
/// runs a thread of its own in the test process once any thread has
/// started, and start_method::fork (rightly) refuses a multithreaded
/// program.
inline std::vector<concurrent::futures::start_method> const all_methods = {
    concurrent::futures::start_method::forkserver,
    concurrent::futures::start_method::spawn,
#ifndef CF_TEST_UNDER_TSAN
    concurrent::futures::start_method::fork
#endif
};

/// The start methods that exec a fresh copy of the program.
inline std::vector<concurrent::futures::start_method> const exec_methods = {
    concurrent::futures::start_method::forkserver,
    concurrent::futures::start_method::spawn};

/// True once `pid` has exited (gone, or a zombie nobody reaped yet).
inline bool process_gone(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat)
    return true;
  std::string line;
  std::getline(stat, line);
  auto const close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

/// Polls until every pid is gone, for at most `limit`.
inline bool wait_gone(std::vector<int> const& pids, std::chrono::seconds limit) {
  auto const until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (std::all_of(pids.begin(), pids.end(), process_gone))
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

/// The processes whose parent is `parent`, zombies included.
inline std::vector<int> children_of(int parent) {
  std::vector<int> out;
  for (auto const& e : std::filesystem::directory_iterator("/proc")) {
    auto const name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line))
      continue;
    auto const close = line.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    int ppid;
    rest >> state >> ppid;
    if (ppid == parent)
      out.push_back(std::stoi(name));
  }
  return out;
}

/// Descriptors open in this process.
inline std::size_t open_fds() {
  std::size_t n = 0;
  for ([[maybe_unused]] auto const& e :
       std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// Shared memory of ours still around: a mapping of a worker's memfd in this
// process, or a /dev/shm entry with our prefix (there must never be one; the
// pool uses nameless memfds). Other programs' /dev/shm entries come and go
// on a shared machine, so they are not counted.
inline std::set<std::string> shm_entries() {
  std::set<std::string> out;
  std::error_code ec;
  for (auto const& e : std::filesystem::directory_iterator("/dev/shm", ec))
    if (e.path().filename().string().find("concurrent") != std::string::npos)
      out.insert(e.path().filename().string());
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find("concurrent-futures") != std::string::npos)
      out.insert(line);
  return out;
}

/// Waits until `gate` exists, at most a minute, so that a failing test does
/// not leave a worker behind: a call that holds its worker until the test
/// lets it go. False if the minute passed.
inline bool wait_for_gate(std::string const& gate) {
  auto const until = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!std::filesystem::exists(gate)) {
    if (std::chrono::steady_clock::now() > until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// A file name of its own for a gate that wait_for_gate() waits on; open()
/// creates the file.
class gate_file {
public:
  gate_file()
      : path_((std::filesystem::temp_directory_path() /
               ("cf-test-gate-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter_++)))
                  .string()) {
    std::filesystem::remove(path_);
  }
  gate_file(gate_file const&) = delete;
  gate_file& operator=(gate_file const&) = delete;
  ~gate_file() { std::filesystem::remove(path_); }
  std::string const& path() const { return path_; }
  void open() const { std::ofstream(path_) << "open\n"; }

private:
  static inline int counter_ = 0;
  std::string path_;
};

/// After every case: no worker or fork server left, no fd and no /dev/shm
/// entry more than before the first case.
struct leak_check {
  std::size_t fds = open_fds();
  std::set<std::string> shm = shm_entries();
  ~leak_check() {
    auto const left = children_of(static_cast<int>(::getpid()));
    BOOST_TEST(left.empty(), "processes left: " << left.size());
    BOOST_TEST(open_fds() <= fds);
    BOOST_TEST((shm_entries() == shm));
  }
};

} // namespace test

#endif
