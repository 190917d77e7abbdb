//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The process boundary as a trust boundary. A worker runs user code, and
// user code has bugs: what it writes into the memory it shares with the
// pool must end as a broken pool that says what happened, never as a crash
// of the program, a value given to the wrong future or a spinning thread.
// Only a pool may turn a copy of the program into a worker. Nothing the
// program does with its own children (fork without exec) holds the pool.
// Workers and the fork server are named so that ps tells them apart.

#include <concurrent/futures/process_pool_executor.hpp>

#include <detail/process/channel.hpp>
#include <detail/process/memfd.hpp>
#include <detail/process/worker.hpp>

#include "support/forged_channel.hpp"
#include "support/process_support.hpp"
#include "support/test_support.hpp"

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;
namespace bdata = boost::unit_test::data;
namespace dp = cf::detail::process;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------- tasks

int add(int a, int b) {
  return a + b;
}

int sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return ms;
}

/// What a task's stray pointer writes, each into one place of the memory
/// its worker shares with the pool.
enum class scribble : int {
  result_head_a_lap_ahead,      // the head jumps a whole ring: stale records look new
  result_head_back,             // the head moves backward
  result_head_unaligned,        // the head off a record boundary
  result_tail_moved,            // the pool's own read index overwritten
  record_too_long,              // a record claiming more bytes than the ring has
  reply_not_outstanding,        // a reply for a call that was never sent
  reply_garbage_status,         // a reply for this call with a status byte of 0x7f
  record_of_unknown_kind,       // a record whose kind no writer makes
  request_tail_ahead,           // the worker's read index ahead of what was written
  request_head_moved,           // the pool's own write index overwritten
  split_reply_without_size,     // a reply "to be continued" that gives no size
  split_reply_interrupted,      // a split reply, then another call's record in it
  split_reply_longer_than_said, // a split reply whose records add up to more
};

char const* const scribble_names[] = {
    "result_head_a_lap_ahead",     "result_head_back",         "result_head_unaligned",
    "result_tail_moved",           "record_too_long",          "reply_not_outstanding",
    "reply_garbage_status",        "record_of_unknown_kind",   "request_tail_ahead",
    "request_head_moved",          "split_reply_without_size", "split_reply_interrupted",
    "split_reply_longer_than_said"};

// Appends a record at the result ring's head and publishes it, as a task
// that knows the format and writes garbage by accident would.
void forge_result(dp::channel& ch, dp::record_kind kind, std::uint32_t claimed_size,
                  std::uint64_t id, std::vector<std::byte> const& payload,
                  std::uint16_t flags = 0) {
  auto& idx = ch.header().results;
  auto bytes = ch.result_bytes();
  std::uint64_t const head = idx.head.load(std::memory_order_relaxed);
  std::size_t const at = head & (bytes.size() - 1);
  dp::record_header const h{claimed_size, kind, flags, id};
  std::memcpy(bytes.data() + at, &h, sizeof h);
  std::memcpy(bytes.data() + at + sizeof h, payload.data(), payload.size());
  std::uint64_t const len = (sizeof h + payload.size() + 15) & ~std::uint64_t{15};
  idx.head.store(head + len, std::memory_order_release);
}

// Runs in a worker: writes into its own shared memory, then makes the pool
// look (for the result ring) and waits to be ended by the broken pool, or
// returns so that the pool's next write, or the worker's next read, finds
// the damage (request ring).
int write_into_own_ring(int what) {
  auto const* w = dp::this_worker_for_tests();
  if (!w)
    return -1;
  dp::channel& ch = *w->chan;
  auto& res = ch.header().results;
  auto& req = ch.header().requests;
  std::uint64_t const ring = ch.result_bytes().size();
  std::vector<std::byte> value{std::byte{0}, std::byte{2}, std::byte{0}, std::byte{0},
                               std::byte{0}};
  switch (static_cast<scribble>(what)) {
  case scribble::result_head_a_lap_ahead:
    res.head.fetch_add(ring);
    break;
  case scribble::result_head_back:
    res.head.fetch_sub(16);
    break;
  case scribble::result_head_unaligned:
    res.head.fetch_add(3);
    break;
  case scribble::result_tail_moved:
    res.tail.fetch_sub(16);
    break;
  case scribble::record_too_long:
    forge_result(ch, dp::record_kind::reply, 0x7fffff00, w->call_id, value);
    break;
  case scribble::reply_not_outstanding:
    forge_result(ch, dp::record_kind::reply, 5, w->call_id + 7, value);
    break;
  case scribble::reply_garbage_status:
    value[0] = std::byte{0x7f};
    forge_result(ch, dp::record_kind::reply, 5, w->call_id, value);
    break;
  case scribble::record_of_unknown_kind:
    forge_result(ch, static_cast<dp::record_kind>(9), 5, w->call_id, value);
    break;
  case scribble::split_reply_without_size:
    forge_result(ch, dp::record_kind::reply, 5, w->call_id, value, dp::record_more);
    break;
  case scribble::split_reply_interrupted:
  case scribble::split_reply_longer_than_said: {
    // The start of an int's reply split in two: its size (5 bytes), then
    // the status byte; the rest follows in the next record.
    std::vector<std::byte> first(8 + 1);
    std::uint64_t const total = 5;
    std::memcpy(first.data(), &total, 8);
    forge_result(ch, dp::record_kind::reply, 9, w->call_id, first, dp::record_more);
    std::vector<std::byte> rest(
        static_cast<scribble>(what) == scribble::split_reply_interrupted ? 4 : 12,
        std::byte{0});
    forge_result(ch, dp::record_kind::reply, static_cast<std::uint32_t>(rest.size()),
                 static_cast<scribble>(what) == scribble::split_reply_interrupted
                     ? w->call_id + 1
                     : w->call_id,
                 rest);
    break;
  }
  case scribble::request_tail_ahead:
    req.tail.fetch_add(4096);
    return 0;
  case scribble::request_head_moved:
    req.head.fetch_add(16);
    return 0;
  }
  std::uint64_t one = 1;
  (void)!::write(w->doorbell, &one, sizeof one);
  std::this_thread::sleep_for(std::chrono::seconds(60));
  return 0;
}

// Runs in a worker: starts the reply of a string of a megabyte, as the
// worker's own send does, and exits before the rest.
std::string die_inside_a_reply() {
  auto const* w = dp::this_worker_for_tests();
  if (!w)
    return {};
  std::uint64_t const length = 1 << 20;
  std::uint64_t const total = 1 + 8 + length; // status, length, bytes
  std::vector<std::byte> first(8 + 1 + 8 + 100, std::byte{'x'});
  std::memcpy(first.data(), &total, 8);
  first[8] = std::byte{0};
  std::memcpy(first.data() + 9, &length, 8);
  forge_result(*w->chan, dp::record_kind::reply, static_cast<std::uint32_t>(first.size()),
               w->call_id, first, dp::record_more);
  std::uint64_t one = 1;
  (void)!::write(w->doorbell, &one, sizeof one);
  std::this_thread::sleep_for(50ms);
  ::_exit(7);
}

bool about_the_request_ring(scribble s) {
  return s == scribble::request_tail_ahead || s == scribble::request_head_moved;
}

/// CPU time this process used, in seconds.
double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string read_file(fs::path const& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- the probe

// CMake names it in the environment; b2 passes it after "--"; else it is
// looked for beside this program.
fs::path probe_path() {
  if (char const* p = std::getenv("CF_ROLE_PROBE"))
    return p;
  auto& suite = utf::framework::master_test_suite();
  for (int i = 1; i < suite.argc; ++i)
    if (std::string_view(suite.argv[i]).ends_with("cf_role_probe"))
      return suite.argv[i];
  return fs::read_symlink("/proc/self/exe").parent_path() / "cf_role_probe";
}

struct run_result {
  int exit_code = -1;
  std::string out, err;
};

// Runs `argv` with `variable` (a role variable's value, if any) in its
// environment and `fds` open in it at the same numbers.
run_result run(std::vector<std::string> const& argv,
               std::optional<std::string> const& variable,
               std::vector<int> const& fds = {}) {
  int out[2], err[2];
  BOOST_REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  BOOST_REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, dp::role_variable, std::strlen(dp::role_variable)) != 0)
      env_strings.emplace_back(*e);
  if (variable)
    env_strings.push_back(std::string(dp::role_variable) + "=" + *variable);
  std::vector<char*> env, args;
  for (auto& s : env_strings)
    env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy)
    args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  ::posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  for (int fd : fds)
    ::posix_spawn_file_actions_adddup2(&fa, fd, fd);
  pid_t pid = -1;
  int const rc = ::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), env.data());
  ::posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  BOOST_REQUIRE_MESSAGE(rc == 0, "posix_spawn " << argv[0] << ": " << std::strerror(rc));
  run_result r;
  auto drain = [](int fd, std::string& into) {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0)
      into.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
  };
  std::thread t([&] { drain(err[0], r.err); });
  drain(out[0], r.out);
  t.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

std::size_t lines(std::string const& s) {
  std::size_t n = 0;
  for (char c : s)
    n += c == '\n';
  return n;
}

// A worker's shared memory as a pool lays it out, holding `secret` and an
// empty module table, with a stop waiting in its ring; the caller closes it.
int fake_channel(dp::role_secret const& secret) {
  std::vector<std::byte> modules;
  cf::codec_writer(modules).write(std::uint64_t{0});
  auto forged = test::forge_channel(modules, secret);
  forged.chan.requests().try_write(dp::record_kind::stop, 0, 0, {});
  return forged.memfd;
}

using test::all_methods;

cf::process_pool_options with(cf::start_method m, int workers) {
  cf::process_pool_options o;
  o.max_workers = workers;
  o.start_method = m;
  return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(process_boundary)

// ------------------------------------------------- what a worker writes

BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(a_worker_that_writes_into_its_ring_breaks_the_pool_and_says_so,
                     bdata::xrange(13) * bdata::make(test::exec_methods), kind, method) {
  test::leak_check leaks;
  auto const what = static_cast<scribble>(kind);
  BOOST_TEST_MESSAGE("scribble: " << scribble_names[kind] << ", " << method);
  std::optional<cf::process_pool_executor> pool(std::in_place, with(method, 1));
  // Earlier replies in the ring: what a head jumping a lap would present as
  // new.
  for (int i = 0; i < 8; ++i)
    BOOST_TEST(pool->submit(add, i, 1).result(30s) == i + 1);
  int const pid = pool->worker_pids().at(0);

  std::vector<std::pair<cf::future<int>, int>> calls;
  calls.emplace_back(pool->submit(write_into_own_ring, kind), 0);
  std::string message;
  try {
    for (int i = 0; i < 4; ++i)
      calls.emplace_back(pool->submit(add, 100, i), 100 + i);
  } catch (cf::broken_process_pool const& e) {
    message = e.what(); // the damage was found already
    BOOST_TEST(e.pid() == pid);
  }

  // Each future holds its own value or fails with the pool's breakage:
  // never another call's value, never a hang.
  for (auto& [f, expected] : calls) {
    try {
      int const v = f.result(60s);
      if (&f != &calls[0].first)
        BOOST_TEST(v == expected);
    } catch (cf::broken_process_pool const& e) {
      message = e.what();
      BOOST_TEST(e.pid() == pid);
    }
  }
  BOOST_TEST_MESSAGE(message);
  // The pool finds its own index of the request ring damaged when it next
  // writes, the worker's only once the ring looks full (it keeps the last
  // one it read); the worker finds either when it next reads, and exits
  // saying so. Either way the error says the memory was corrupted.
  bool const named =
      message.find("worker pid " + std::to_string(pid) + " corrupted its " +
                   (about_the_request_ring(what) ? "request" : "result") + " ring") !=
          std::string::npos ||
      (about_the_request_ring(what) &&
       message.find("worker pid " + std::to_string(pid) +
                    " exited with status 123 (it "
                    "found the memory") != std::string::npos);
  BOOST_TEST(named, message);
  try {
    pool->submit(add, 1, 1);
    BOOST_TEST(false, "submit on a broken pool");
  } catch (cf::broken_process_pool const& e) {
    BOOST_TEST(e.pid() == pid);
    BOOST_TEST(std::string(e.what()).find("corrupted") != std::string::npos);
  }
  // The pool's thread is idle, not spinning on what it cannot read.
  double const before = cpu_seconds();
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(cpu_seconds() - before < 0.15);
  pool.reset();
  BOOST_TEST(test::wait_gone({pid}, 10s));
}

// The pool reads a large reply as it arrives; a worker that dies half-way
// fails that call and breaks the pool, as any death does.
BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(a_worker_that_dies_inside_a_reply_breaks_the_pool,
                     bdata::make(test::exec_methods), method) {
  test::leak_check leaks;
  std::optional<cf::process_pool_executor> pool(std::in_place, with(method, 1));
  BOOST_TEST(pool->submit(add, 1, 1).result(30s) == 2);
  // The fork server's word of the pid may come after the first reply.
  for (int i = 0; i < 1000 && pool->worker_pids().empty(); ++i)
    std::this_thread::sleep_for(10ms);
  int const pid = pool->worker_pids().at(0);
  auto f = pool->submit(die_inside_a_reply);
  auto g = pool->submit(add, 2, 2);
  auto failed = [pid](auto& x) {
    try {
      x.result(60s);
      BOOST_TEST(false, "a call answered by a dead worker");
    } catch (cf::broken_process_pool const& e) {
      BOOST_TEST_MESSAGE(e.what());
      BOOST_TEST(e.pid() == pid);
    }
  };
  failed(f);
  failed(g);
  BOOST_CHECK_THROW(pool->submit(add, 1, 1), cf::broken_process_pool);
  double const before = cpu_seconds();
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(cpu_seconds() - before < 0.15);
  pool.reset();
  BOOST_TEST(test::wait_gone({pid}, 10s));
}

// ------------------------------------------------- who becomes a worker

BOOST_AUTO_TEST_CASE(a_stray_role_variable_stops_the_program_with_one_line,
                     *utf::timeout(60)) {
  auto const probe = probe_path();
  if (!fs::exists(probe)) {
    BOOST_TEST_MESSAGE("no " << probe << " (set CF_ROLE_PROBE): skipped");
    return;
  }
  auto const clean = run({probe.string()}, std::nullopt);
  BOOST_TEST(clean.exit_code == 0);
  BOOST_TEST(clean.out.find("main ran") != std::string::npos);

  std::string const me = std::to_string(::getpid());
  std::string const hex(32, 'a');
  dp::role_secret secret = dp::make_role_secret();
  int const memfd = fake_channel(secret);
  int const doorbell = ::eventfd(0, EFD_CLOEXEC);
  int sv[2];
  BOOST_REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  std::string const fds = std::to_string(memfd) + " " + std::to_string(doorbell) + " ";
  struct attempt {
    std::string value;
    std::vector<int> fds;
  };
  std::vector<attempt> const attempts = {
      {"", {}},
      {"worker", {}},
      {"worker 3 4 5", {}},
      {"worker " + fds + me + " " + hex + " trailing", {memfd, doorbell}},
      {"forkserver 3 " + me, {}},
      // Inherited from somewhere else: another parent.
      {"worker " + fds + "1 " + dp::to_hex(secret), {memfd, doorbell}},
      // The right parent, descriptors that are not open here.
      {"worker " + fds + me + " " + dp::to_hex(secret), {}},
      // A copy of a real worker's variable with other memory behind it.
      {"worker " + fds + me + " " + hex, {memfd, doorbell}},
      // The descriptors swapped.
      {"worker " + std::to_string(doorbell) + " " + std::to_string(memfd) + " " + me +
           " " + dp::to_hex(secret),
       {memfd, doorbell}},
      // A socket, but not a pool's.
      {"forkserver " + std::to_string(sv[1]) + " " + me + " " + dp::to_hex(secret),
       {sv[1]}},
  };
  for (auto const& a : attempts) {
    auto const r = run({probe.string()}, a.value, a.fds);
    BOOST_TEST_CONTEXT("variable: '" << a.value << "'") {
      BOOST_TEST(r.exit_code == 122);
      BOOST_TEST(r.out.empty()); // main did not run
      BOOST_TEST(lines(r.err) == 1u, r.err);
      BOOST_TEST(r.err.find(dp::role_variable) != std::string::npos, r.err);
    }
  }
  // The control: with everything a pool hands over, the probe is a worker
  // (its ring holds a stop: it says hello and exits 0, main never runs).
  auto const worker =
      run({probe.string()}, "worker " + fds + me + " " + dp::to_hex(secret),
          {memfd, doorbell});
  BOOST_TEST(worker.exit_code == 0, worker.err);
  BOOST_TEST(worker.out.empty());
  ::close(memfd);
  ::close(doorbell);
  ::close(sv[0]);
  ::close(sv[1]);
}

int role_variable_is_passed_on() {
  // What a child the task starts would inherit (exec passes environ).
  if (std::getenv(dp::role_variable))
    return 1;
  int const status = std::system("test -z \"$CONCURRENT_FUTURES_PROCESS_ROLE\"");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 2;
}

BOOST_TEST_DECORATOR(*utf::timeout(60))
BOOST_DATA_TEST_CASE(workers_do_not_pass_the_role_variable_on, bdata::make(all_methods),
                     method) {
  test::leak_check leaks;
  cf::process_pool_executor pool(with(method, 1));
  BOOST_TEST(pool.submit(role_variable_is_passed_on).result(60s) == 0);
}

BOOST_AUTO_TEST_CASE(a_setuid_copy_ignores_the_role_variable, *utf::timeout(120)) {
  // An unprivileged user starts a setuid-root copy of a program that links
  // the library, with a role variable and a channel it forged (everything a
  // pool would hand over, the secret included). The variable must be
  // ignored: main() runs, and the forged call does not run as root.
  auto const probe = probe_path();
  if (!fs::exists(probe)) {
    BOOST_TEST_MESSAGE("no " << probe << " (set CF_ROLE_PROBE): skipped");
    return;
  }
  if (::geteuid() != 0 || !fs::exists("/usr/bin/setpriv")) {
    BOOST_TEST_MESSAGE("needs root and setpriv to make a setuid copy: skipped");
    return;
  }
  char dir_template[] = "/tmp/cf-setuid-XXXXXX";
  BOOST_REQUIRE(::mkdtemp(dir_template));
  fs::path const dir = dir_template;
  fs::path const copy = dir / "probe";
  fs::path const marker = dir / "marker";
  fs::copy_file(probe, copy);
  BOOST_REQUIRE(::chown(copy.c_str(), 0, 0) == 0);
  BOOST_REQUIRE(::chmod(copy.c_str(), 04755) == 0);
  BOOST_REQUIRE(::chmod(dir.c_str(), 0755) == 0);
  auto const r =
      run({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
           copy.string(), "forge", copy.string(), marker.string()},
          std::nullopt);
  BOOST_TEST_MESSAGE("forger: exit " << r.exit_code << ", out: " << r.out
                                     << ", err: " << r.err);
  bool const ran_as_root = fs::exists(marker) && read_file(marker).rfind("0\n", 0) == 0;
  BOOST_TEST(!ran_as_root, "the forged call ran as root");
  if (r.out.find("main ran euid=0") == std::string::npos) {
    // The copy did not run as root: a nosuid mount. Nothing to check here.
    BOOST_TEST_MESSAGE("setuid has no effect under " << dir << ": skipped");
  } else {
    BOOST_TEST(!fs::exists(marker));
  }
  fs::remove_all(dir);
}

// ------------------------------------------------- fork without exec

BOOST_TEST_DECORATOR(*utf::timeout(60))
BOOST_DATA_TEST_CASE(a_forked_child_neither_holds_nor_stops_the_pool,
                     bdata::make(all_methods), method) {
  test::leak_check leaks;
  std::optional<cf::process_pool_executor> pool(std::in_place, with(method, 2));
  BOOST_TEST(pool->submit(add, 1, 2).result(60s) == 3);
  BOOST_TEST(pool->submit(sleep_ms, 1).result(60s) == 1);

  // A child of the program, forked without exec: it has a copy of every
  // descriptor of the pool (the fork server's socket among them) and of
  // the pool object. Its copy refuses work and its end touches nothing of
  // the parent's pool; then it waits for the parent to have destroyed its
  // pool, holding the descriptors all along.
  int go[2], told[2];
  BOOST_REQUIRE(::pipe2(go, O_CLOEXEC) == 0);
  BOOST_REQUIRE(::pipe2(told, O_CLOEXEC) == 0);
  pid_t const child = ::fork();
  if (child == 0) {
    int code = 0;
    try {
      pool->submit(add, 1, 1);
      code |= 1;
    } catch (std::logic_error const&) {
    } catch (...) {
      code |= 2;
    }
    pool.reset(); // the copy's end: must not stop the parent's workers
    (void)!::write(told[1], &code, sizeof code);
    char c;
    (void)!::read(go[0], &c, 1);
    ::_exit(0);
  }
  ::close(told[1]);
  ::close(go[0]);
  int code = -1;
  BOOST_TEST(::read(told[0], &code, sizeof code) == static_cast<ssize_t>(sizeof code));
  BOOST_TEST(code == 0);
  // The child's end did not stop the parent's workers.
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 20; ++i)
    fs.push_back(pool->submit(add, i, i));
  for (int i = 0; i < 20; ++i)
    BOOST_TEST(fs[static_cast<std::size_t>(i)].result(60s) == 2 * i);
  // With the child alive and holding every descriptor, the pool ends (a
  // hang here is the failure: the case's timeout).
  pool.reset();
  (void)!::write(go[1], "x", 1);
  ::close(go[1]);
  ::close(told[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

// ------------------------------------------------- names in ps

std::string comm_of(int pid) {
  auto s = read_file("/proc/" + std::to_string(pid) + "/comm");
  if (!s.empty() && s.back() == '\n')
    s.pop_back();
  return s;
}

std::string cmdline_of(int pid) {
  auto s = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!s.empty() && s.back() == '\0')
    s.pop_back();
  return s;
}

BOOST_TEST_DECORATOR(*utf::timeout(60))
BOOST_DATA_TEST_CASE(workers_and_the_fork_server_are_named_by_role,
                     bdata::make(all_methods), method) {
  test::leak_check leaks;
  cf::process_pool_executor pool(with(method, 2));
  auto a = pool.submit(sleep_ms, 200);
  auto b = pool.submit(sleep_ms, 200);
  a.result(60s);
  b.result(60s);
  auto const workers = pool.worker_pids();
  BOOST_TEST(workers.size() == 2u);
  std::string const program = program_invocation_short_name;
  for (int pid : workers) {
    BOOST_TEST(comm_of(pid) == "cf-worker");
    if (method != cf::start_method::fork)
      BOOST_TEST(cmdline_of(pid) == program + ": concurrent-futures worker");
  }
  if (method == cf::start_method::forkserver) {
    auto const children = test::children_of(static_cast<int>(::getpid()));
    BOOST_TEST(children.size() == 1u);
    for (int pid : children) {
      BOOST_TEST(comm_of(pid) == "cf-forkserver");
      BOOST_TEST(cmdline_of(pid) == program + ": concurrent-futures fork server");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
