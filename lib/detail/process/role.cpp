//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// When an exec'd copy of the program becomes a worker or a fork server, and
// how it proves it was asked to.
//
// When. The promise to users: a worker runs calls with every static object
// of the program and its libraries constructed, as main() would see them.
// A library's own static initializer cannot keep it by running first or
// last by luck: a shared library is initialised before the executable, and
// a static archive is initialised where the linker placed it, before any
// static library linked after it. So the role is played at the one point
// that comes after every initializer, just before main():
// - in the static library, the hook is an entry of the executable's
//   .init_array; it finds itself there and runs the entries after it (the
//   initializers that would have run next, in their order, every shared
//   library being initialised already), then plays the role instead of
//   returning;
// - in the shared library, the hook defers to main(): the library defines
//   __libc_start_main, which the executable's call binds to when it links
//   the library directly (the library precedes libc in the lookup order),
//   and hands glibc the role in place of main.
// Where neither holds (the static library inside another shared object,
// the shared library reached only through another one), the process still
// takes the role but refuses to run calls, and the pool reports why.
//
// Whether. Anyone can set an environment variable, and a variable left
// behind must not turn a program into something that exits before main().
// In a process with elevated privileges (AT_SECURE: setuid, setgid, file
// capabilities) the variable is ignored: its environment is the caller's.
// Elsewhere the role is taken only when the process' parent is the pid the
// variable names, its descriptors are what a pool hands over (a memfd and
// an eventfd; a Unix seqpacket socket whose peer is that parent), and they
// carry the 128-bit secret the variable carries. Otherwise the program exits
// with one line on stderr naming the variable.

#include "role.hpp"

#include "channel.hpp"
#include "fork_server.hpp"
#include "memfd.hpp"
#include "worker.hpp"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

extern "C" {
// The executable's initializer array, from the linker (null where there is
// none, as in a shared object).
using cf_init_fn = void (*)(int, char**, char**);
extern cf_init_fn __init_array_start[] __attribute__((weak, visibility("hidden")));
extern cf_init_fn __init_array_end[] __attribute__((weak, visibility("hidden")));
#if defined(CONCURRENT_FUTURES_DYN_LINK)
int cf_libc_start_main(int (*)(int, char**, char**), int, char**, void (*)(), void (*)(),
                       void (*)(), void*) __attribute__((visibility("hidden")));
#endif
}

namespace concurrent::futures::detail::process {
namespace {

// Trivially constructible, as every object this file's initializer uses:
// it may run before the dynamic initializers of this very file.
struct requested_role {
  enum kind_type { none, worker, forkserver } kind;
  int fd;       // the memfd, or the fork server's socket
  int doorbell; // worker
  pid_t parent;
  char const* refusal; // why this process cannot run calls: reported, not run
};

int program_argc = 0;
char** program_argv = nullptr;
#if defined(CONCURRENT_FUTURES_DYN_LINK)
requested_role deferred{}; // played in place of main()
#endif

[[noreturn]] void refuse(std::string const& why) {
  std::fprintf(stderr,
               "concurrent-futures: %s is set, but nothing proves that a process "
               "pool started this process (%s); exiting. Unset %s to run the "
               "program.\n",
               role_variable, why.c_str(), role_variable);
  ::_exit(exit_role_refused);
}

std::string fd_target(int fd) {
  char link[64], buf[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t const n = ::readlink(link, buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// "worker <memfd> <doorbell> <parent> <secret>" or "forkserver <socket>
// <parent> <secret>", nothing more; and the proof. Exits if unproven.
requested_role authenticate(std::string const& value) {
  requested_role r{};
  char secret_hex[40] = {};
  int a = -1, b = -1, p = 0, end = 0;
  if (std::sscanf(value.c_str(), "worker %d %d %d %39s%n", &a, &b, &p, secret_hex,
                  &end) == 4 &&
      static_cast<std::size_t>(end) == value.size()) {
    r.kind = requested_role::worker;
  } else if (std::sscanf(value.c_str(), "forkserver %d %d %39s%n", &a, &p, secret_hex,
                         &end) == 3 &&
             static_cast<std::size_t>(end) == value.size()) {
    r.kind = requested_role::forkserver;
  } else {
    refuse("its value is not one a pool writes");
  }
  role_secret secret;
  if (!from_hex(secret_hex, secret) || a < 3 ||
      (r.kind == requested_role::worker && b < 3))
    refuse("its value is not one a pool writes");
  if (::getppid() != p)
    refuse(::kill(p, 0) != 0 && errno == ESRCH
               ? "the process it names as the parent, pid " + std::to_string(p) +
                     ", has exited"
               : "it names pid " + std::to_string(p) + " as the parent; the parent is " +
                     std::to_string(::getppid()));
  r.fd = a;
  r.doorbell = b;
  r.parent = p;

  if (r.kind == requested_role::worker) {
    if (fd_target(a).rfind("/memfd:concurrent-futures-worker", 0) != 0)
      refuse("descriptor " + std::to_string(a) + " is not a worker's shared memory");
    if (fd_target(b) != "anon_inode:[eventfd]")
      refuse("descriptor " + std::to_string(b) + " is not an eventfd");
    try {
      auto const region = map_memfd(a);
      if (!channel::layout_fault(region).empty() ||
          std::memcmp(static_cast<channel_header const*>(region.get_address())->secret,
                      secret.data(), secret.size()) != 0)
        refuse("the shared memory does not carry the variable's secret");
    } catch (std::exception const& e) {
      refuse(std::string("its shared memory cannot be mapped: ") + e.what());
    }
    return r;
  }

  int type = 0, domain = 0;
  socklen_t len = sizeof type;
  ucred peer{};
  socklen_t peer_len = sizeof peer;
  if (::getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET ||
      (len = sizeof domain, ::getsockopt(a, SOL_SOCKET, SO_DOMAIN, &domain, &len)) != 0 ||
      domain != AF_UNIX ||
      ::getsockopt(a, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) != 0 || peer.pid != p)
    refuse("descriptor " + std::to_string(a) + " is not a socket to pid " +
           std::to_string(p));
  // The pool sends the secret as soon as it has started this process.
  pollfd pfd{a, POLLIN, 0};
  forkserver_message m{};
  int ready;
  do
    ready = ::poll(&pfd, 1, 10'000);
  while (ready < 0 && errno == EINTR);
  if (ready <= 0 || ::recv(a, &m, sizeof m, MSG_DONTWAIT) != sizeof m ||
      m.kind != forkserver_message::authenticate || m.secret != secret)
    refuse("its socket did not carry the variable's secret");
  return r;
}

// An exec'd worker or fork server inherits every descriptor of the program
// that was not close-on-exec (Python's spawn closes them too): keep only
// the standard streams and its own.
void close_other_fds(std::vector<int> keep) noexcept {
  keep.push_back(2);
  std::sort(keep.begin(), keep.end());
  unsigned from = 3;
  for (int fd : keep) {
    if (fd >= static_cast<int>(from)) {
      if (static_cast<unsigned>(fd) > from)
        ::syscall(SYS_close_range, from, static_cast<unsigned>(fd) - 1, 0u);
      from = static_cast<unsigned>(fd) + 1;
    }
  }
  ::syscall(SYS_close_range, from, ~0u, 0u);
}

[[noreturn]] void play(requested_role const& r) noexcept {
  std::string const refusal = r.refusal ? r.refusal : "";
  if (r.kind == requested_role::forkserver) {
    close_other_fds({r.fd});
    name_this_process("cf-forkserver", {});
    forkserver_main(r.fd, r.parent, refusal);
  }
  close_other_fds({r.fd, r.doorbell});
  name_this_process("cf-worker", {});
  worker_main(r.fd, r.doorbell, r.parent, refusal);
}

#if defined(CONCURRENT_FUTURES_DYN_LINK)
using start_main_fn = int (*)(int (*)(int, char**, char**), int, char**, void (*)(),
                              void (*)(), void (*)(), void*);

int play_deferred(int, char**, char**) {
  play(deferred);
}
#endif

} // namespace

// Runs before the program's own initializers in the shared library, among
// them in the static one; see the top of this file.
__attribute__((constructor)) static void role_hook(int argc, char** argv, char** envp) {
  program_argc = argc;
  program_argv = argv;
  if (::getauxval(AT_SECURE) != 0)
    return; // the environment is the caller's, who may not run our code
  char const* value = std::getenv(role_variable);
  if (!value)
    return;
  std::string const copy = value;
  ::unsetenv(role_variable); // nothing this process starts inherits it
  requested_role role = authenticate(copy);
#if defined(CONCURRENT_FUTURES_DYN_LINK)
  (void)envp;
  if (::dlsym(RTLD_DEFAULT, "__libc_start_main") ==
      reinterpret_cast<void*>(&cf_libc_start_main)) {
    deferred = role;
    return;
  }
  role.refusal = "the program reaches libconcurrent_futures.so only through another "
                 "shared library, so a worker cannot wait for the program's static "
                 "objects to be constructed before it runs calls. Link the executable "
                 "to libconcurrent_futures.so directly, or to the static library";
  play(role);
#else
  cf_init_fn* self = nullptr;
  for (cf_init_fn* p = __init_array_start; p && p != __init_array_end; ++p)
    if (*p == &role_hook)
      self = p;
  if (!self) {
    role.refusal = "the static library concurrent_futures is linked into a shared "
                   "object, which is initialised before the program, so a worker cannot "
                   "wait for the program's static objects to be constructed before it "
                   "runs calls. Link the library into the executable, or link the "
                   "executable to libconcurrent_futures.so";
    play(role);
  }
  // The initializers after this one, as __libc_start_main would run them.
  for (cf_init_fn* p = self + 1; p != __init_array_end; ++p)
    (*p)(argc, argv, envp);
  play(role);
#endif
}

void ensure_role_hook() noexcept {
  // Referring to this function is what links this file's initializer.
}

role_secret make_role_secret() {
  role_secret s;
  std::size_t got = 0;
  while (got < s.size()) {
    ssize_t const n = ::getrandom(s.data() + got, s.size() - got, 0);
    if (n < 0 && errno != EINTR)
      throw std::system_error(errno, std::system_category(), "getrandom");
    if (n > 0)
      got += static_cast<std::size_t>(n);
  }
  return s;
}

std::string to_hex(role_secret const& s) {
  static char const digits[] = "0123456789abcdef";
  std::string out;
  for (auto b : s) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool from_hex(std::string const& hex, role_secret& out) {
  if (hex.size() != 2 * out.size())
    return false;
  auto digit = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    int const hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return true;
}

std::string role_title(char const* role) {
  // In a process that already plays a role (the fork server), argv[0] is
  // its own title: the program's name is what comes before it.
  std::string program = program_invocation_short_name;
  program = program.substr(0, program.find(": concurrent-futures "));
  return program + ": concurrent-futures " + role;
}

void name_this_process(char const* comm, std::string const& title) noexcept {
  ::prctl(PR_SET_NAME, comm);
  // argv[0] of a process exec'd for its role is already its title; a
  // process forked from one rewrites the strings in place (what ps reads
  // as its command line), within their length.
  if (title.empty() || !program_argv || program_argc < 1 || !program_argv[0])
    return;
  char* begin = program_argv[0];
  char* end = program_argv[program_argc - 1];
  end += std::strlen(end);
  std::size_t const room = static_cast<std::size_t>(end - begin);
  std::size_t const n = std::min(room, title.size());
  std::memcpy(begin, title.data(), n);
  std::memset(begin + n, 0, room - n);
}

} // namespace concurrent::futures::detail::process

#if defined(CONCURRENT_FUTURES_DYN_LINK)
// glibc's entry point, interposed: see the top of this file. An executable
// linked to this library calls it instead of libc's; it hands glibc the
// role in place of main() when one is due, and is glibc's otherwise.
extern "C" __attribute__((visibility("hidden"))) int
cf_libc_start_main(int (*main)(int, char**, char**), int argc, char** argv,
                   void (*init)(), void (*fini)(), void (*rtld_fini)(), void* stack_end) {
  using namespace concurrent::futures::detail::process;
  static auto const next =
      reinterpret_cast<start_main_fn>(::dlsym(RTLD_NEXT, "__libc_start_main"));
  if (!next) {
    std::fputs("concurrent-futures: glibc's __libc_start_main not found\n", stderr);
    ::_exit(127);
  }
  if (deferred.kind != requested_role::none)
    main = &play_deferred;
  return next(main, argc, argv, init, fini, rtld_fini, stack_end);
}

extern "C" BOOST_SYMBOL_EXPORT int
__libc_start_main(int (*main)(int, char**, char**), int argc, char** argv, void (*init)(),
                  void (*fini)(), void (*rtld_fini)(), void* stack_end)
    __attribute__((alias("cf_libc_start_main")));
#endif
