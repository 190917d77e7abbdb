//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// mpi_server: a coroutine server that hands its CPU-heavy requests to the
// other ranks of an MPI job, and keeps answering the cheap ones meanwhile.
//
// Rank 0 runs a TCP server on 127.0.0.1 (one asio::io_context, run by one
// thread) with a line protocol:
//   ping\n           -> pong\n
//   primes LO HI\n   -> COUNT PID SECONDS\n: the primes in [LO, HI), counted
//                       on a worker rank (PID its process, SECONDS its time)
//                       or `error: ...\n` with the worker's exception
// A `primes` request is offloaded with
//   co_await cf::run_in_executor(ranks, count_range, lo, hi);
// the coroutine is suspended (no thread blocks), the call travels to a
// worker rank, and the coroutine resumes on the io_context thread with the
// count, or with the exception the worker threw, rethrown here. asyncio and
// mpi4py write it
//   n = await loop.run_in_executor(ex, count_range, lo, hi)   # ex: MPICommExecutor
//
// The clients are in the same program, on the same io_context: four
// connections ask for 12 slices of [0, 2,000,000) between them, a fifth
// pings every 10 ms while they wait and times each pong, and one request
// asks for a range backwards, which the worker refuses with
// std::invalid_argument: it arrives in the server as that type, and the
// client gets its message. When the clients are done the server stops
// accepting, the loop runs out of work, and the executor's destructor tells
// the worker ranks to stop: the program ends by itself.
//
// Run it (from a CMake build directory; on one machine, as root, set
// OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 too):
//   mpirun -n 3 --oversubscribe demo/mpi_server

#include "count_primes.hpp"

#include <concurrent/futures.hpp>
#include <concurrent/futures/mpi.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using asio::ip::tcp;
using std::chrono::steady_clock;

namespace {

constexpr std::size_t max_line = 128;
constexpr long range_end = 2'000'000;
constexpr long primes_below_range_end = 148'933; // known: checks the sum
constexpr int load_clients = 4;
constexpr int slices_per_client = 3;

double ms_since(steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

// The task, run on a worker rank: the seed's count, refusing a range that
// makes no sense. Its exception crosses back to rank 0 as itself.
demo::chunk_count count_range(long lo, long hi) {
  if (lo < 0 || hi < lo)
    throw std::invalid_argument("count_range: [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + ") is no range");
  return demo::count_primes(lo, hi);
}

// Reads one line (without its '\n') from `socket`; `buffer` keeps what came
// after it.
asio::awaitable<std::string> read_line(tcp::socket& socket, std::string& buffer) {
  std::size_t const n = co_await asio::async_read_until(
      socket, asio::dynamic_buffer(buffer, max_line), '\n', asio::use_awaitable);
  std::string line = buffer.substr(0, n - 1);
  buffer.erase(0, n);
  co_return line;
}

// ---------------------------------------------------------------- server

// Shared by the server's connections; used only on the io_context's thread.
struct server_state {
  cf::mpi_comm_executor& ranks;
  std::thread::id loop_thread = {};
  int offloaded = 0;
  int errors = 0;
};

bool is_end_of_connection(boost::system::system_error const& e) {
  return e.code() == asio::error::eof || e.code() == asio::error::connection_reset;
}

// One connection: answer each line until the client closes.
asio::awaitable<void> session(tcp::socket socket, server_state& server) {
  socket.set_option(tcp::no_delay(true));
  std::string buffer;
  for (;;) {
    std::string line;
    try {
      line = co_await read_line(socket, buffer);
    } catch (boost::system::system_error const& e) {
      if (!is_end_of_connection(e))
        throw;
      co_return;
    }
    std::string reply;
    long lo = 0, hi = 0;
    char tail = 0;
    if (line == "ping") {
      reply = "pong\n";
    } else if (std::sscanf(line.c_str(), "primes %ld %ld%c", &lo, &hi, &tail) == 2) {
      try {
        // Submitted to a worker rank now; this coroutine waits, the loop
        // does not. It resumes here, on the loop's thread.
        demo::chunk_count const c =
            co_await cf::run_in_executor(server.ranks, count_range, lo, hi);
        reply = std::to_string(c.primes) + " " + std::to_string(c.pid) + " " +
                std::to_string(c.seconds) + "\n";
      } catch (std::invalid_argument const& e) { // thrown on the worker rank
        reply = std::string("error: ") + e.what() + "\n";
      }
      ++server.offloaded;
      if (std::this_thread::get_id() != server.loop_thread) {
        std::fprintf(stderr, "mpi_server: resumed off the loop thread\n");
        ++server.errors;
      }
    } else {
      reply = "error: expected 'ping' or 'primes LO HI'\n";
    }
    co_await asio::async_write(socket, asio::buffer(reply), asio::use_awaitable);
  }
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, server_state& server) {
  server.loop_thread = std::this_thread::get_id();
  for (;;) {
    tcp::socket socket(acceptor.get_executor());
    try {
      co_await acceptor.async_accept(socket, asio::use_awaitable);
    } catch (boost::system::system_error const& e) {
      if (e.code() == asio::error::operation_aborted)
        co_return; // the acceptor was closed: the server stops
      throw;
    }
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), server),
                   [&server](std::exception_ptr e) {
                     if (!e)
                       return;
                     ++server.errors;
                     try {
                       std::rethrow_exception(e);
                     } catch (std::exception const& x) {
                       std::fprintf(stderr, "mpi_server: connection: %s\n", x.what());
                     }
                   });
  }
}

// ---------------------------------------------------------------- clients

struct client_state {
  tcp::endpoint server;
  int running = 0; // client coroutines not finished yet
  int load_running = load_clients;
  long total = 0;
  std::set<int> pids = {};  // the worker processes that answered
  std::string refused = {}; // the answer to the backwards range
  std::vector<double> ping_ms = {};
  int errors = 0;
};

asio::awaitable<tcp::socket> connect(client_state& clients) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(clients.server, asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  co_return socket;
}

asio::awaitable<std::string> ask(tcp::socket& socket, std::string& buffer,
                                 std::string const& request) {
  co_await asio::async_write(socket, asio::buffer(request + "\n"), asio::use_awaitable);
  co_return co_await read_line(socket, buffer);
}

// One connection asking for its slices of [0, range_end), one after another.
asio::awaitable<void> load_client(int id, client_state& clients) {
  tcp::socket socket = co_await connect(clients);
  std::string buffer;
  long const slices = long{load_clients} * slices_per_client;
  for (int k = 0; k < slices_per_client; ++k) {
    long const i = long{k} * load_clients + id;
    long const lo = range_end * i / slices, hi = range_end * (i + 1) / slices;
    auto const start = steady_clock::now();
    std::string const reply = co_await ask(
        socket, buffer, "primes " + std::to_string(lo) + " " + std::to_string(hi));
    long primes = 0;
    int pid = 0;
    double seconds = 0;
    if (std::sscanf(reply.c_str(), "%ld %d %lf", &primes, &pid, &seconds) != 3) {
      std::fprintf(stderr, "mpi_server: client %d: unexpected answer '%s'\n", id,
                   reply.c_str());
      ++clients.errors;
      continue;
    }
    clients.total += primes;
    clients.pids.insert(pid);
    std::string const range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
    std::printf("  client %d: %-18s %6ld primes  (worker pid %d, %.2f s; round trip "
                "%.0f ms)\n",
                id, range.c_str(), primes, pid, seconds, ms_since(start));
  }
  if (id == 0) // one request the worker refuses
    clients.refused = co_await ask(socket, buffer, "primes 1000 10");
  --clients.load_running;
}

// Pings every 10 ms while the load clients wait for their counts.
asio::awaitable<void> ping_client(client_state& clients) {
  tcp::socket socket = co_await connect(clients);
  std::string buffer;
  asio::steady_timer timer(socket.get_executor());
  while (clients.load_running > 0) {
    auto const start = steady_clock::now();
    std::string const reply = co_await ask(socket, buffer, "ping");
    if (reply != "pong") {
      std::fprintf(stderr, "mpi_server: ping answered '%s'\n", reply.c_str());
      ++clients.errors;
    }
    clients.ping_ms.push_back(ms_since(start));
    timer.expires_after(10ms);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto const i = static_cast<std::size_t>(p / 100 * static_cast<double>(v.size() - 1));
  return v[i];
}

int run(cf::mpi_comm_executor& ranks) {
  std::printf("mpi_server: a coroutine server on rank 0 (pid %d) offloads 'primes LO HI' "
              "to %d worker\nranks with co_await cf::run_in_executor; 4 clients ask for "
              "12 slices of [0, %ld),\na fifth pings every 10 ms meanwhile\n\n",
              static_cast<int>(::getpid()), ranks.num_workers(), range_end);

  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  server_state server{.ranks = ranks};
  client_state clients{.server = acceptor.local_endpoint()};

  // A watchdog: a hang ends the demo with an error instead of never.
  asio::steady_timer watchdog(ioc, 120s);
  bool timed_out = false;
  watchdog.async_wait([&](boost::system::error_code ec) {
    if (!ec) {
      timed_out = true;
      ioc.stop();
    }
  });

  // When the last client is done: stop accepting (the open connections end
  // as their clients close them) and stand the watchdog down.
  auto on_client_done = [&](std::exception_ptr e) {
    if (e) {
      ++clients.errors;
      try {
        std::rethrow_exception(e);
      } catch (std::exception const& x) {
        std::fprintf(stderr, "mpi_server: client: %s\n", x.what());
      }
    }
    if (--clients.running == 0) {
      acceptor.close();
      watchdog.cancel();
    }
  };

  asio::co_spawn(ioc, accept_connections(acceptor, server), [&](std::exception_ptr e) {
    if (e)
      ++server.errors;
  });
  for (int id = 0; id < load_clients; ++id) {
    ++clients.running;
    asio::co_spawn(ioc, load_client(id, clients), on_client_done);
  }
  ++clients.running;
  asio::co_spawn(ioc, ping_client(clients), on_client_done);

  auto const start = steady_clock::now();
  ioc.run(); // returns once the server and the clients are done
  double const seconds = ms_since(start) / 1000;

  std::printf("\nrefused on a worker rank, answered by the server: %s\n",
              clients.refused.c_str());
  std::printf("served %d offloaded requests in %.2f s; the worker pids that answered:",
              server.offloaded, seconds);
  for (int pid : clients.pids)
    std::printf(" %d", pid);
  std::printf(
      "\npings while the ranks counted: %zu, p50 %.2f ms, p99 %.2f ms, max %.2f ms "
      "(the loop never\nwaited for a count)\n",
      clients.ping_ms.size(), percentile(clients.ping_ms, 50),
      percentile(clients.ping_ms, 99), percentile(clients.ping_ms, 100));

  bool const refused_ok = clients.refused.starts_with("error: count_range: [1000, 10)");
  bool const ok = !timed_out && clients.errors == 0 && server.errors == 0 && refused_ok &&
                  clients.total == primes_below_range_end &&
                  server.offloaded == load_clients * slices_per_client + 1;
  std::printf("total %ld primes below %ld (known: %ld): %s\n", clients.total, range_end,
              primes_below_range_end, ok ? "yes" : "NO");
  if (timed_out)
    std::fprintf(stderr, "mpi_server: the watchdog fired after 120 s\n");
  return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  // First: MPI is up before anything else runs, and ends after the executor.
  cf::mpi_environment mpi(argc, argv);
  if (argc > 1) {
    if (mpi.rank() == 0)
      std::fprintf(stderr, "usage: mpirun -n N mpi_server  (N >= 2)\n");
    return 2;
  }
  if (mpi.size() < 2) {
    std::fprintf(stderr,
                 "mpi_server: one rank, so none to serve; run it with mpirun -n 3 "
                 "(add --oversubscribe on a machine with fewer cores)\n");
    return 2;
  }
  try {
    cf::mpi_comm_executor ranks; // ranks 1..N-1 serve in here
    if (ranks.is_worker())
      return 0; // rank 0 has shut the executor down
    return run(ranks);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "mpi_server: rank %d: %s\n", mpi.rank(), e.what());
    return 1;
  }
}
