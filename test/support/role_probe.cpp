//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A program that links the process pool, for the tests of who may turn a
// program into a worker (test/integration/process_boundary.cpp).
//
//   role_probe                         prints "main ran euid=<n>", exits 0
//   role_probe forge <exe> <marker>    plays a pool's part with a channel it
//       made itself: starts <exe> with a role variable and descriptors that
//       prove it, and a call to write_marker(<marker>) waiting in the ring;
//       prints "worker exited <status>" when <exe> ends. A worker that ran
//       the call leaves <marker> holding the effective uid it ran as.

#include <concurrent/futures/process_pool_executor.hpp>

#include <detail/wire/modules.hpp>

#include "forged_channel.hpp"

#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

extern char** environ;

namespace cf = concurrent::futures;
namespace dp = cf::detail::process;

namespace {

int write_marker(std::string path) {
  std::ofstream(path) << ::geteuid() << '\n';
  return 0;
}

int forge(char const* exe, std::string const& marker) {
  dp::role_secret const secret = dp::make_role_secret();
  auto forged = test::forge_channel(dp::encode_module_table(), secret);
  int const memfd = forged.memfd;
  dp::channel& ch = forged.chan;

  std::vector<std::byte> call;
  cf::detail::encode_call(call, &write_marker, marker);
  std::size_t offset = 0;
  dp::write_message(ch.requests(), dp::record_kind::call, 0, 1, call, offset);
  ch.requests().try_write(dp::record_kind::stop, 0, 0, {});

  int const doorbell = ::eventfd(0, EFD_CLOEXEC);
  std::string const variable = std::string(dp::role_variable) + "=worker " +
                               std::to_string(memfd) + " " + std::to_string(doorbell) +
                               " " + std::to_string(::getpid()) + " " +
                               dp::to_hex(secret);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    env.push_back(*e);
  env.push_back(const_cast<char*>(variable.c_str()));
  env.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_adddup2(&fa, memfd, memfd);
  ::posix_spawn_file_actions_adddup2(&fa, doorbell, doorbell);
  char* argv[] = {const_cast<char*>(exe), nullptr};
  pid_t pid = -1;
  if (::posix_spawn(&pid, exe, &fa, nullptr, argv, env.data()) != 0) {
    std::perror("posix_spawn");
    return 2;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::printf("worker exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "forge") == 0)
    return forge(argv[2], argv[3]);
  if (argc > 1 && std::strcmp(argv[1], "pool") == 0) {
    // Links the process pool (and with it the role hook) into this program.
    cf::process_pool_executor pool{{.max_workers = 1}};
    return pool.submit(write_marker, std::string("/dev/null")).result();
  }
  std::printf("main ran euid=%d\n", static_cast<int>(::geteuid()));
  return 0;
}
