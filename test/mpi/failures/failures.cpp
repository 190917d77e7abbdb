//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// How the MPI executors fail: one program, one scenario per first argument,
// each started by test/mpi/failures.cmake under mpiexec or alone. Only the
// root reports: a line "FAIL: ..." per broken expectation and exit status 1,
// or "PASS <scenario>". Built twice: the build with CF_OTHER_BUILD has more
// code, so another GNU build-id, for the build check.

#include <concurrent/futures/mpi.hpp>

#include <mpi.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;

namespace failures {

// ------------------------------------------------------------ the calls

int square(int x) {
  return x * x;
}

int pid_of() {
  return static_cast<int>(::getpid());
}

int nap(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds{ms});
  return ms;
}

int nap_then_pid(int ms) {
  nap(ms);
  return pid_of();
}

int die() {
  std::raise(SIGKILL);
  return 0;
}

int throw_out_of_range(int) {
  throw std::out_of_range("out of range on purpose");
}

int initialized_with = 0;

void remember(int value) {
  initialized_with = value;
}

int initial_value() {
  return initialized_with;
}

// Returns 1 once `path` exists, 0 after 20 s without it: a call that runs
// until the root lets it end.
int wait_for_file(std::string const& path) {
  auto const until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    if (::access(path.c_str(), F_OK) == 0)
      return 1;
    std::this_thread::sleep_for(5ms);
  }
  return 0;
}

#ifdef CF_OTHER_BUILD
// Only in the other build: its code, and so its build-id, differ.
int other_build_only(int x) {
  return x + 1;
}
#endif

// ------------------------------------------------------------ checking

int failed = 0;

void check(bool ok, std::string const& what) {
  if (!ok) {
    std::cout << "FAIL: " << what << std::endl;
    ++failed;
  }
}

bool contains(std::string const& text, std::string const& part) {
  return text.find(part) != std::string::npos;
}

std::string processor_name() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return std::string(name, static_cast<std::size_t>(length));
}

// Every rank's pid, on rank 0 (collective over MPI_COMM_WORLD).
std::vector<int> rank_pids(cf::mpi_environment const& env) {
  std::vector<int> pids(static_cast<std::size_t>(env.size()));
  int const me = pid_of();
  MPI_Gather(&me, 1, MPI_INT, pids.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  return pids;
}

bool gone(int pid) {
  if (::kill(pid, 0) != 0)
    return errno == ESRCH;
  // A zombie has ended; its parent has not reaped it yet.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  auto const close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

int report(char const* scenario) {
  if (failed == 0)
    std::cout << "PASS " << scenario << std::endl;
  return failed == 0 ? 0 : 1;
}

// ------------------------------------------------------------ scenarios

// Default mode, mpiexec -n 3: a call kills its rank; Open MPI ends the job.
int rank_death() {
  cf::mpi_comm_executor ex;
  if (ex.is_worker())
    return 0;
  std::cout << "submitting a call that kills its rank" << std::endl;
  auto f = ex.submit(die);
  try {
    f.result();
  } catch (std::exception const& e) {
    std::cout << "the root saw: " << e.what() << std::endl;
  }
  std::cout << "FAIL: the job went on after a rank died" << std::endl;
  return 1;
}

// isolate_calls, mpiexec -n 3: calls run in a child of each worker rank; a
// child that dies breaks the executor, and the job goes on.
int isolated(cf::mpi_environment const& env) {
  std::vector<int> const pids = rank_pids(env);
  auto const is_rank_pid = [&](int pid) {
    return std::find(pids.begin(), pids.end(), pid) != pids.end();
  };
  cf::mpi_comm_options options;
  options.isolate_calls = true;
  options.initializer = cf::process_initializer(&remember, 42);
  std::string const gate =
      "/tmp/cf-mpi-failures-gate-" + std::to_string(env.rank() == 0 ? pid_of() : 0);
  {
    cf::mpi_comm_executor ex(options);
    if (ex.is_root()) {
      check(ex.submit(square, 7).result() == 49, "square(7) with isolate_calls");
      try {
        ex.submit(throw_out_of_range, 1).result();
        check(false, "a call's std::out_of_range did not arrive");
      } catch (std::out_of_range const& e) {
        check(contains(e.what(), "on purpose"), std::string("out_of_range: ") + e.what());
      }
      check(ex.submit(initial_value).result() == 42,
            "the initializer ran in the process that runs the calls");
      for (int i = 0; i < 4; ++i) {
        int const pid = ex.submit(pid_of).result();
        check(pid > 0 && !is_rank_pid(pid),
              "a call ran in a child of its rank, not in a rank (pid " +
                  std::to_string(pid) + ")");
      }

      ::unlink(gate.c_str());
      auto dying = ex.submit(die);
      std::vector<cf::future<int>> others;
      for (int i = 0; i < 6; ++i)
        others.push_back(ex.submit(wait_for_file, gate));
      try {
        dying.result();
        check(false, "a call that killed its process returned");
      } catch (cf::broken_mpi_pool const& e) {
        std::cout << "isolated crash: " << e.what() << std::endl;
        check(e.rank() == 1 || e.rank() == 2, "broken_mpi_pool::rank() " +
                                                  std::to_string(e.rank()) +
                                                  " is a worker rank");
        check(!e.host().empty(), "broken_mpi_pool::host() is not empty");
        check(e.pid() > 0 && !is_rank_pid(e.pid()), "broken_mpi_pool::pid() " +
                                                        std::to_string(e.pid()) +
                                                        " is the child's, not a rank's");
        check(e.signal() == SIGKILL,
              "broken_mpi_pool::signal() " + std::to_string(e.signal()) + " is SIGKILL");
      }
      // The calls behind it cannot end before the gate opens: they fail.
      int broken = 0;
      for (auto& f : others) {
        try {
          f.result();
        } catch (cf::broken_mpi_pool const&) {
          ++broken;
        }
      }
      check(broken == static_cast<int>(others.size()),
            std::to_string(broken) + " of " + std::to_string(others.size()) +
                " pending calls failed with broken_mpi_pool");
      try {
        ex.submit(square, 2);
        check(false, "submit on a broken executor did not throw");
      } catch (cf::broken_mpi_pool const&) {
      }
      check(ex.num_workers() == 0, "a broken executor has no workers");
      std::ofstream{gate}; // the surviving rank's calls may end now
    }
  }
  // The job went on: a new executor over the same ranks (collective).
  {
    cf::mpi_comm_executor ex(options);
    if (ex.is_root()) {
      check(ex.num_workers() == 2, "the new executor has 2 workers");
      check(ex.submit(square, 9).result() == 81, "square(9) on the new executor");
      check(ex.submit(initial_value).result() == 42, "the initializer ran again");
      int const pid = ex.submit(pid_of).result();
      check(pid > 0 && !is_rank_pid(pid), "the new executor isolates its calls too");
    }
  }
  if (env.rank() != 0)
    return 0;
  ::unlink(gate.c_str());
  return report("isolated");
}

// A singleton that spawned 2 workers with a heartbeat: one is SIGKILLed, the
// executor breaks instead of hanging. The environment then ends the job
// with MPI_Abort.
int heartbeat_spawned() {
  cf::mpi_pool_options options;
  options.max_workers = 2;
  options.heartbeat = 250ms;
  cf::mpi_pool_executor pool(options);
  std::set<int> seen;
  for (int i = 0; i < 20 && seen.size() < 2; ++i) {
    auto a = pool.submit(nap_then_pid, 100);
    auto b = pool.submit(nap_then_pid, 100);
    seen.insert(a.result());
    seen.insert(b.result());
  }
  check(seen.size() == 2, "found both workers' pids");
  int const victim = *seen.begin();
  ::kill(victim, SIGKILL);
  std::cout << "killed worker pid " << victim << std::endl;
  for (int i = 0; i < 1000; ++i) {
    try {
      pool.submit(nap, 10).result();
    } catch (cf::broken_mpi_pool const& e) {
      check(contains(e.what(), "went silent"), "the error says the rank went silent");
      check(e.rank() == 0 || e.rank() == 1, "the error names a worker rank");
      check(seen.count(e.pid()) == 1, "the error names a worker's pid");
      if (failed == 0)
        std::cout << "heartbeat noticed: " << e.what() << std::endl;
      return report("heartbeat_spawned");
    }
  }
  check(false, "1000 calls ran after a worker was killed");
  return report("heartbeat_spawned");
}

// mpiexec -n 3 --enable-recovery, heartbeat: rank 2 is stopped (SIGSTOP),
// the executor breaks naming it; it is continued before the end.
int heartbeat_stopped(cf::mpi_environment const& env) {
  std::vector<int> const pids = rank_pids(env);
  cf::mpi_comm_options options;
  options.heartbeat = 250ms;
  cf::mpi_comm_executor ex(options);
  if (ex.is_worker())
    return 0;
  check(ex.submit(square, 3).result() == 9, "square(3) with a heartbeat");
  int const victim = pids.at(2);
  ::kill(victim, SIGSTOP);
  std::cout << "stopped rank 2, pid " << victim << std::endl;
  bool noticed = false;
  for (int i = 0; i < 1000 && !noticed; ++i) {
    try {
      ex.submit(nap, 10).result();
    } catch (cf::broken_mpi_pool const& e) {
      noticed = true;
      check(contains(e.what(), "went silent"), "the error says the rank went silent");
      check(e.rank() == 2, "the error names rank 2, not " + std::to_string(e.rank()));
      check(e.pid() == victim, "the error names rank 2's pid");
      if (failed == 0)
        std::cout << "heartbeat noticed: " << e.what() << std::endl;
    }
  }
  check(noticed, "1000 calls ran while rank 2 was stopped");
  ::kill(victim, SIGCONT);
  return report("heartbeat_stopped");
}

// Alone: spawn the other build; the constructor refuses it, and no worker
// keeps running. Each spawned worker writes its pid to $CF_MPI_FAILURES_PIDS.
int build_spawned(std::string const& other) {
  char const* pid_file = std::getenv("CF_MPI_FAILURES_PIDS");
  check(pid_file != nullptr, "CF_MPI_FAILURES_PIDS is set");
  if (!pid_file)
    return report("build_spawned");
  ::unlink(pid_file);
  cf::mpi_pool_options options;
  options.max_workers = 2;
  options.program = other;
  try {
    cf::mpi_pool_executor pool(options);
    check(false, "a pool of another build was made");
  } catch (cf::broken_mpi_pool const& e) {
    check(false, std::string("broken_mpi_pool, not std::runtime_error: ") + e.what());
  } catch (std::runtime_error const& e) {
    std::string const what = e.what();
    std::cout << "refused: " << what << std::endl;
    check(contains(what, "rank 0") || contains(what, "rank 1"), "what() names the rank");
    check(contains(what, processor_name()), "what() names the host");
    check(contains(what, "build"), "what() names the build");
  }
  std::vector<int> workers;
  {
    std::ifstream in(pid_file);
    for (int pid = 0; in >> pid;)
      workers.push_back(pid);
  }
  check(workers.size() == 2,
        std::to_string(workers.size()) + " spawned workers wrote a pid");
  auto const until = std::chrono::steady_clock::now() + 20s;
  for (int pid : workers) {
    while (!gone(pid) && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(10ms);
    check(gone(pid), "spawned worker " + std::to_string(pid) + " ended");
  }
  ::unlink(pid_file);
  return report("build_spawned");
}

// mpiexec -n 1 <build> : -n 2 <other build>: the root refuses, the workers
// return from the constructor.
int build_mpmd(cf::mpi_environment const& env) {
  try {
    cf::mpi_comm_executor ex;
    check(ex.is_worker(), "the root made an executor of another build's ranks");
    return 0;
  } catch (std::runtime_error const& e) {
    if (env.rank() != 0) {
      std::cout << "FAIL: worker rank " << env.rank() << " threw: " << e.what()
                << std::endl;
      return 1;
    }
    std::string const what = e.what();
    std::cout << "refused: " << what << std::endl;
    check(contains(what, "rank 1") || contains(what, "rank 2"), "what() names the rank");
    check(contains(what, processor_name()), "what() names the host");
    check(contains(what, "build"), "what() names the build");
  }
  return report("build_mpmd");
}

// mpiexec -n 3: shutdown racing submits, then a root that throws out of the
// executor's scope. Every rank ends and the job exits 0.
int unwind() {
  for (bool cancel : {false, true}) {
    cf::mpi_comm_executor ex;
    if (ex.is_worker())
      continue;
    std::atomic<int> submitted{0};
    std::vector<cf::future<int>> accepted;
    std::string refusal;
    std::thread submitter([&] {
      for (int i = 0;; ++i) {
        try {
          accepted.push_back(ex.submit(square, i % 1000));
        } catch (cf::broken_mpi_pool const& e) {
          refusal = std::string("broken: ") + e.what();
          return;
        } catch (std::runtime_error const& e) {
          refusal = e.what();
          return;
        }
        submitted.fetch_add(1, std::memory_order_relaxed);
      }
    });
    while (submitted.load(std::memory_order_relaxed) < 200)
      std::this_thread::yield();
    ex.shutdown(true, cancel);
    submitter.join();
    check(contains(refusal, "after shutdown"), "submit after shutdown: " + refusal);
    int done = 0, cancelled = 0, wrong = 0;
    for (std::size_t i = 0; i < accepted.size(); ++i) {
      try {
        int const x = static_cast<int>(i % 1000);
        if (accepted[i].result(10s) == x * x)
          ++done;
        else
          ++wrong;
      } catch (cf::cancelled_error const&) {
        ++cancelled;
      } catch (std::exception const& e) {
        ++wrong;
        std::cout << "call " << i << ": " << e.what() << std::endl;
      }
    }
    std::cout << "shutdown(cancel_futures=" << cancel << ") racing submit: " << done
              << " done, " << cancelled << " cancelled of " << accepted.size()
              << std::endl;
    check(wrong == 0,
          std::to_string(wrong) + " calls neither finished nor were cancelled");
    check(cancel || cancelled == 0, "shutdown without cancel_futures cancelled calls");
  }

  std::vector<cf::future<int>> outliving;
  bool root = false;
  try {
    cf::mpi_comm_executor ex;
    root = ex.is_root();
    if (root) {
      for (int i = 0; i < 20; ++i)
        outliving.push_back(ex.submit(nap, 20));
      throw std::runtime_error("the root gives up");
    }
  } catch (std::runtime_error const& e) {
    check(root && contains(e.what(), "gives up"), std::string("caught: ") + e.what());
  }
  if (!root)
    return 0;
  for (auto& f : outliving)
    check(f.done() && f.result() == 20, "the executor's destructor ran a pending call");
  return report("unwind");
}

} // namespace failures

int main(int argc, char** argv) {
  // A worker spawned by build_spawned's pool: say who it is, then serve.
  if (argc > 1 && std::strcmp(argv[1], "--concurrent-futures-mpi-worker") == 0)
    if (char const* pid_file = std::getenv("CF_MPI_FAILURES_PIDS"))
      std::ofstream(pid_file, std::ios::app) << ::getpid() << '\n';
  cf::mpi_environment env(argc, argv);
  std::string const scenario = argc > 1 ? argv[1] : "";
  try {
    if (scenario == "rank_death")
      return failures::rank_death();
    if (scenario == "isolated")
      return failures::isolated(env);
    if (scenario == "heartbeat_spawned")
      return failures::heartbeat_spawned();
    if (scenario == "heartbeat_stopped")
      return failures::heartbeat_stopped(env);
    if (scenario == "build_spawned" && argc > 2)
      return failures::build_spawned(argv[2]);
    if (scenario == "build_mpmd")
      return failures::build_mpmd(env);
    if (scenario == "unwind")
      return failures::unwind();
  } catch (std::exception const& e) {
    std::cout << "FAIL: rank " << env.rank() << " " << scenario << " threw: " << e.what()
              << std::endl;
    return 1;
  }
  std::cerr << "usage: " << argv[0]
            << " rank_death | isolated | heartbeat_spawned | heartbeat_stopped | "
               "build_spawned <other build> | build_mpmd | unwind\n";
  return 2;
}
