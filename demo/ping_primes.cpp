//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// ping_primes: why a coroutine server hands CPU-heavy work to a thread pool,
// measured.
//
// A TCP server on 127.0.0.1 (one asio::io_context, run by one thread) speaks a
// line protocol:
//   ping\n       -> pong\n
//   primes N\n   -> the number of primes below N, computed by trial division:
//                   deliberately slow, about 250 ms (N is calibrated at start)
// It runs twice, once in each mode:
//   inline   computes on the io_context thread. While it counts, the loop runs
//            nothing else. Worse than one computation's delay per ping: each
//            turn of the loop now includes a computation, pings arrive faster
//            than the server gets to them, and the backlog (and the latency)
//            grows for as long as the load lasts.
//   offload  `co_await cf::run_in_executor(pool, count_primes, n)`: the count
//            runs on a pool thread, the coroutine is suspended (no thread
//            blocks), and the loop keeps answering pings; the coroutine
//            resumes on the io_context thread with the result. This is
//            asyncio's `await loop.run_in_executor(pool, count_primes, n)`.
// A load client in the same program (its own io_context, run by the main
// thread) keeps two `primes N` requests in flight at all times (two
// connections, each sending the next as soon as it has its answer) and, on a
// third connection, sends `ping` every 2 ms and times each round trip. It
// sends on schedule, without waiting for the previous pong, so a stalled
// server is charged for every ping it keeps waiting (a client that waited
// would send only a few pings while the server is stuck, and hide the stall).
//
// The output gives the ping percentiles of both modes and checks two claims:
// offloaded, ping p99 stays under 5 ms; inline, ping p99 is at least as long
// as one expensive request. Timings on a busy or shared machine are noisy, so
// the exit status is 0 either way unless --strict is given. The pool's
// threads run at a lower priority (nice 10, see lower_priority) so that, with
// as many busy workers as cores, the loop thread still gets a core at once.
//
// Run it (from a CMake build directory):
//   demo/ping_primes                  both modes, 2 s of load each
//   demo/ping_primes --seconds 5      longer runs, steadier percentiles
//   demo/ping_primes --nice 0         workers at the loop's priority, to compare
//   demo/ping_primes --strict         exit 1 if a claim does not hold

#include <concurrent/futures.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace cf = concurrent::futures;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;
using asio::ip::tcp;
using boost::system::error_code;
using std::chrono::steady_clock;

namespace {

// Completes an awaited Asio operation with its error code as a value instead
// of throwing it: `auto [ec, n] = co_await async_read(..., use_tuple);`.
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr double offload_p99_limit_ms = 5.0;
constexpr auto ping_interval = 2ms;
constexpr std::size_t max_line = 64;

double ms_since(steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
}

// The expensive request: counts the primes below n by trial division. A plain
// loop that only computes, as a real CPU-bound handler would (parsing, image
// resizing, compression): nothing in it ever yields to the event loop.
std::uint64_t count_primes(std::uint64_t n) {
  std::uint64_t count = n > 2 ? 1 : 0; // 2
  for (std::uint64_t i = 3; i < n; i += 2) {
    bool prime = true;
    for (std::uint64_t d = 3; d * d <= i; d += 2) {
      if (i % d == 0) {
        prime = false;
        break;
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

struct calibration {
  std::uint64_t n;
  std::uint64_t primes;
  double ms;
};

// Finds the N for which count_primes(N) takes about `target_ms` on this
// machine, measured on this thread with nothing else running.
calibration calibrate(double target_ms) {
  std::uint64_t n = 50'000;
  calibration c{};
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto const start = steady_clock::now();
    c = {n, count_primes(n), ms_since(start)};
    if (c.ms >= 0.9 * target_ms && c.ms <= 1.2 * target_ms)
      break;
    if (c.ms < 20) { // too short to extrapolate from
      n *= 4;
      continue;
    }
    // The cost grows about as n^1.5: n candidates, up to sqrt(n) divisors each.
    n = static_cast<std::uint64_t>(static_cast<double>(n) *
                                   std::pow(target_ms / c.ms, 1 / 1.5));
  }
  return c;
}

// ---------------------------------------------------------------- server

enum class compute_mode { in_loop, offload };

char const* name_of(compute_mode m) {
  return m == compute_mode::in_loop ? "inline" : "offload";
}

// The pool's initializer, run first in every pool thread: lowers the
// thread's scheduling priority to `nice` (10 unless --nice says otherwise).
// Linux keeps a nice value per thread, so the io_context thread and the
// client stay at 0. With two cores and two CPU-bound workers, the workers
// could otherwise hold both cores while the loop thread, which needs a few
// microseconds per ping, waits for a time slice. At nice 10 a worker weighs
// about a tenth of a normal thread: the scheduler runs the loop thread as
// soon as it wakes and gives the workers what is left: latency first, batch
// work after. (In Python, `ThreadPoolExecutor(initializer=lambda:
// os.nice(10))` does the same on Linux.) Raising a nice value needs no
// privilege.
void lower_priority(int nice) {
  if (nice != 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0)
    std::fprintf(stderr, "ping_primes: setpriority: %s (workers stay at nice 0)\n",
                 std::strerror(errno));
}

// What the server shares between its connections; used only on the
// io_context's thread, so it needs no lock.
struct server_state {
  compute_mode mode;
  cf::thread_pool_executor& pool;
  std::thread::id loop_thread = {};    // the one running the io_context
  std::vector<double> compute_ms = {}; // time to answer each `primes N`
  int errors = 0;
};

bool is_normal_end(error_code ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::operation_aborted;
}

void report(char const* who, char const* what, error_code ec) {
  std::fprintf(stderr, "ping_primes: %s: %s: %s\n", who, what, ec.message().c_str());
}

// Parses "primes N"; false if the line is something else.
bool parse_primes(std::string_view line, std::uint64_t& n) {
  constexpr std::string_view verb = "primes ";
  if (!line.starts_with(verb))
    return false;
  line.remove_prefix(verb.size());
  auto const [end, ec] = std::from_chars(line.data(), line.data() + line.size(), n);
  return ec == std::errc() && end == line.data() + line.size();
}

// One connection: read a line, answer it, until the client closes.
asio::awaitable<void> serve(tcp::socket socket, server_state& server) {
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored); // send each reply at once
  std::string input;
  for (;;) {
    auto [read_ec, length] = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(input, max_line), '\n', use_tuple);
    if (read_ec) {
      if (!is_normal_end(read_ec)) { // e.g. a line longer than max_line
        report("server", "read", read_ec);
        ++server.errors;
      }
      co_return;
    }
    std::string const line = input.substr(0, length - 1);
    input.erase(0, length);

    std::string reply;
    std::uint64_t n = 0;
    if (line == "ping") {
      reply = "pong\n";
    } else if (parse_primes(line, n)) {
      auto const start = steady_clock::now();
      std::uint64_t count = 0;
      if (server.mode == compute_mode::in_loop) {
        // Blocks this thread, the only one running the io_context, for the
        // whole computation: no ping is read or answered meanwhile.
        count = count_primes(n);
      } else {
        // Submits count_primes(n) to the pool now and suspends this
        // coroutine. The loop goes on serving other connections and resumes
        // us here, on its own thread, with the count (or count_primes's
        // exception, thrown).
        count = co_await cf::run_in_executor(server.pool, count_primes, n);
        if (std::this_thread::get_id() != server.loop_thread) {
          std::fprintf(stderr, "ping_primes: resumed off the loop thread\n");
          ++server.errors;
        }
      }
      server.compute_ms.push_back(ms_since(start));
      reply = std::to_string(count) + "\n";
    } else {
      reply = "error: expected 'ping' or 'primes N'\n";
    }

    auto [write_ec, written] =
        co_await asio::async_write(socket, asio::buffer(reply), use_tuple);
    if (write_ec) {
      if (!is_normal_end(write_ec)) {
        report("server", "write", write_ec);
        ++server.errors;
      }
      co_return;
    }
  }
}

// co_spawn's completion handler: reports and counts an exception that ended
// a coroutine. It runs on the coroutine's io_context thread.
auto report_exception(char const* who, int& errors) {
  return [who, &errors](std::exception_ptr e) {
    if (!e)
      return;
    ++errors;
    try {
      std::rethrow_exception(e);
    } catch (std::exception const& x) {
      std::fprintf(stderr, "ping_primes: %s: %s\n", who, x.what());
    }
  };
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, server_state& server) {
  server.loop_thread = std::this_thread::get_id();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      if (ec != asio::error::operation_aborted) // aborted: the server stops
        report("server", "accept", ec);
      co_return;
    }
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), server),
                   report_exception("server connection", server.errors));
  }
}

// ---------------------------------------------------------------- client

// The load of one mode, and what it measured. Used only on the client's
// thread.
struct load_state {
  tcp::endpoint server;
  std::uint64_t n;        // the expensive request is `primes n`
  std::uint64_t expected; // its answer
  steady_clock::time_point deadline;

  std::vector<double> ping_ms = {};
  std::vector<double> primes_ms = {}; // round trip of each `primes n`
  int wrong_answers = 0;
  int errors = 0;
};

// Ends a client coroutine on an I/O error; true if it was one.
bool failed(load_state& load, char const* what, error_code ec) {
  if (!ec)
    return false;
  if (ec != asio::error::operation_aborted) { // aborted: the watchdog fired
    report("client", what, ec);
    ++load.errors;
  }
  return true;
}

asio::awaitable<bool> connect(tcp::socket& socket, load_state& load) {
  auto [ec] = co_await socket.async_connect(load.server, use_tuple);
  if (failed(load, "connect", ec))
    co_return false;
  socket.set_option(tcp::no_delay(true), ec);
  co_return true;
}

// One connection that asks `primes n` again as soon as it has the answer,
// until the deadline: one expensive request always in flight.
asio::awaitable<void> request_primes(load_state& load) {
  tcp::socket socket(co_await asio::this_coro::executor);
  if (!co_await connect(socket, load))
    co_return;
  std::string const request = "primes " + std::to_string(load.n) + "\n";
  std::string input;
  while (steady_clock::now() < load.deadline) {
    auto const start = steady_clock::now();
    auto [write_ec, written] =
        co_await asio::async_write(socket, asio::buffer(request), use_tuple);
    if (failed(load, "write", write_ec))
      co_return;
    auto [read_ec, length] = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(input, max_line), '\n', use_tuple);
    if (failed(load, "read", read_ec))
      co_return;
    load.primes_ms.push_back(ms_since(start));
    if (input.substr(0, length - 1) != std::to_string(load.expected))
      ++load.wrong_answers;
    input.erase(0, length);
  }
} // closing the socket ends the server's side of the connection

// Sends `ping` every ping_interval until the deadline, not waiting for the
// pongs; `sent` queues the send times for read_pongs. Then half-closes the
// connection: the server answers what it has read and closes its side.
asio::awaitable<void> send_pings(tcp::socket& socket,
                                 std::deque<steady_clock::time_point>& sent,
                                 load_state& load) {
  asio::steady_timer timer(socket.get_executor());
  while (steady_clock::now() < load.deadline) {
    sent.push_back(steady_clock::now());
    auto [ec, written] =
        co_await asio::async_write(socket, asio::buffer("ping\n", 5), use_tuple);
    if (failed(load, "write", ec))
      co_return;
    timer.expires_after(ping_interval);
    auto [timer_ec] = co_await timer.async_wait(use_tuple);
    if (failed(load, "timer", timer_ec))
      co_return;
  }
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

// Times each pong against its ping (the server answers in order) until the
// server closes the connection.
asio::awaitable<void> read_pongs(tcp::socket& socket,
                                 std::deque<steady_clock::time_point>& sent,
                                 load_state& load) {
  std::string input;
  for (;;) {
    auto [ec, length] = co_await asio::async_read_until(
        socket, asio::dynamic_buffer(input, max_line), '\n', use_tuple);
    if (ec == asio::error::eof && sent.empty())
      co_return; // every ping answered
    if (failed(load, "read", ec))
      co_return;
    if (sent.empty() || input.substr(0, length - 1) != "pong") {
      ++load.wrong_answers;
      co_return;
    }
    load.ping_ms.push_back(ms_since(sent.front()));
    sent.pop_front();
    input.erase(0, length);
  }
}

asio::awaitable<void> ping(load_state& load) {
  tcp::socket socket(co_await asio::this_coro::executor);
  if (!co_await connect(socket, load))
    co_return;
  std::deque<steady_clock::time_point> sent;
  co_await (send_pings(socket, sent, load) && read_pongs(socket, sent, load));
}

// The whole load: two expensive connections and the pinger, side by side. A
// watchdog cancels them if the server stops answering (`||` cancels the
// side that has not finished when the other one does).
asio::awaitable<void> run_load(load_state& load) {
  asio::steady_timer watchdog(co_await asio::this_coro::executor, load.deadline + 10s);
  auto const finished =
      co_await ((request_primes(load) && request_primes(load) && ping(load)) ||
                watchdog.async_wait(use_tuple));
  if (finished.index() == 1) {
    std::fprintf(stderr, "ping_primes: the server stopped answering\n");
    ++load.errors;
  }
}

// ---------------------------------------------------------------- one mode

struct mode_result {
  compute_mode mode;
  std::vector<double> ping_ms;    // sorted
  std::vector<double> compute_ms; // sorted
  std::vector<double> primes_ms;  // sorted
  int failures;                   // errors and wrong answers
};

mode_result run_mode(compute_mode mode, calibration const& c,
                     steady_clock::duration load_time, int worker_nice) {
  // The pool outlives the server's io_context: a coroutine suspended on a
  // pool task is destroyed with that context, before the pool goes.
  cf::thread_pool_executor pool{
      {.max_workers = 4, .thread_name_prefix = "primes", .initializer = [worker_nice] {
         lower_priority(worker_nice);
       }}};
  server_state server{mode, pool};

  asio::io_context server_context;
  tcp::acceptor acceptor(server_context, {asio::ip::address_v4::loopback(), 0});
  load_state load{acceptor.local_endpoint(), c.n, c.primes,
                  steady_clock::now() + load_time};
  asio::co_spawn(server_context, accept_connections(acceptor, server),
                 report_exception("server", server.errors));
  std::thread server_thread([&server_context] { server_context.run(); });
  {
    asio::io_context client_context;
    asio::co_spawn(client_context, run_load(load),
                   report_exception("client", load.errors));
    client_context.run(); // returns when the load is done and every reply is in
  }

  // The clients have closed their connections, so the server's connection
  // coroutines have ended or are about to. Closing the acceptor (on the
  // server's thread: an acceptor is not thread-safe) ends the last one, and
  // run() returns when no work is left.
  asio::post(server_context, [&acceptor] { acceptor.close(); });
  server_thread.join();

  mode_result r{mode, std::move(load.ping_ms), std::move(server.compute_ms),
                std::move(load.primes_ms),
                load.errors + load.wrong_answers + server.errors};
  std::sort(r.ping_ms.begin(), r.ping_ms.end());
  std::sort(r.compute_ms.begin(), r.compute_ms.end());
  std::sort(r.primes_ms.begin(), r.primes_ms.end());
  if (load.wrong_answers > 0)
    std::fprintf(stderr, "ping_primes: %d wrong answers\n", load.wrong_answers);
  return r;
}

// The p-th percentile (nearest rank) of sorted values; 0 if there are none.
double percentile(std::vector<double> const& sorted, double p) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100 * sorted.size()));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void print_row(mode_result const& r) {
  std::printf("%-8s %6zu %8.2f %8.2f %8.2f %8.2f %8zu %10.0f %10.0f\n", name_of(r.mode),
              r.ping_ms.size(), percentile(r.ping_ms, 50), percentile(r.ping_ms, 90),
              percentile(r.ping_ms, 99), r.ping_ms.empty() ? 0 : r.ping_ms.back(),
              r.compute_ms.size(), percentile(r.compute_ms, 50),
              percentile(r.primes_ms, 50));
}

struct options {
  double seconds = 2;
  int nice = 10;
  bool strict = false;
};

int usage(char const* argv0) {
  std::fprintf(stderr,
               "usage: %s [--seconds S] [--nice N] [--strict]\n"
               "  --seconds S  load time per mode (default 2)\n"
               "  --nice N     nice value of the pool's threads (default 10; 0 "
               "leaves them\n"
               "               at the loop's priority, to compare)\n"
               "  --strict     exit 1 if a claim does not hold\n",
               argv0);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (arg == "--strict") {
      opt.strict = true;
    } else if (arg == "--seconds" && i + 1 < argc) {
      char* end = nullptr;
      opt.seconds = std::strtod(argv[++i], &end);
      if (*end != '\0' || !(opt.seconds > 0 && opt.seconds <= 3600))
        return usage(argv[0]);
    } else if (arg == "--nice" && i + 1 < argc) {
      std::string_view const value = argv[++i];
      auto const [end, ec] =
          std::from_chars(value.data(), value.data() + value.size(), opt.nice);
      if (ec != std::errc() || end != value.data() + value.size() || opt.nice < 0 ||
          opt.nice > 19)
        return usage(argv[0]);
    } else {
      return usage(argv[0]);
    }
  }

  std::printf("ping_primes: a coroutine server answers pings while two clients keep "
              "it busy\ncounting primes: on its io_context thread (inline), then "
              "through cf::run_in_executor (offload)\n\n");

  calibration const c = calibrate(250);
  std::printf("calibrated: 'primes %llu' takes %.0f ms on this machine (%llu primes "
              "below it)\n",
              static_cast<unsigned long long>(c.n), c.ms,
              static_cast<unsigned long long>(c.primes));
  std::printf("load per mode: %.1f s; 2 connections ask 'primes %llu' back to back, 1 "
              "sends 'ping'\nevery %lld ms; offload pool: 4 threads at nice %d\n\n",
              opt.seconds, static_cast<unsigned long long>(c.n),
              static_cast<long long>(ping_interval.count()), opt.nice);

  auto const load_time = std::chrono::duration_cast<steady_clock::duration>(
      std::chrono::duration<double>(opt.seconds));
  std::printf("%-8s %6s %8s %8s %8s %8s %8s %10s %10s\n", "", "", "ping", "", "", "",
              "primes", "compute", "round trip");
  std::printf("%-8s %6s %8s %8s %8s %8s %8s %10s %10s\n", "mode", "pings", "p50 ms",
              "p90 ms", "p99 ms", "max ms", "answered", "p50 ms", "p50 ms");
  mode_result const in_loop = run_mode(compute_mode::in_loop, c, load_time, opt.nice);
  print_row(in_loop);
  std::fflush(stdout);
  mode_result const offload = run_mode(compute_mode::offload, c, load_time, opt.nice);
  print_row(offload);

  double const offload_p99 = percentile(offload.ping_ms, 99);
  double const inline_p99 = percentile(in_loop.ping_ms, 99);
  double const expensive = percentile(in_loop.compute_ms, 50);
  bool const offload_ok = !offload.ping_ms.empty() && offload_p99 < offload_p99_limit_ms;
  bool const inline_ok = !in_loop.ping_ms.empty() && inline_p99 >= expensive;
  std::printf("\ncompute: the server's time for one 'primes' request; round trip: as "
              "the client saw it.\ninline, the loop computes in every turn: pings "
              "queue up behind the computations\nand wait longer the longer the load "
              "lasts. offload, the loop only ever reads and writes.\n\n");
  std::printf("claim: offloaded ping p99 < %.0f ms: %s (%.2f ms)\n", offload_p99_limit_ms,
              offload_ok ? "holds" : "FAILS", offload_p99);
  std::printf("claim: inline ping p99 >= expensive request duration: %s "
              "(%.0f ms vs %.0f ms)\n",
              inline_ok ? "holds" : "FAILS", inline_p99, expensive);

  if (in_loop.failures + offload.failures > 0) {
    std::fprintf(stderr, "ping_primes: %d errors or wrong answers (see above)\n",
                 in_loop.failures + offload.failures);
    return 1;
  }
  if (!(offload_ok && inline_ok)) {
    std::printf("(timings on a loaded or shared machine are noisy; --strict makes "
                "this an error)\n");
    return opt.strict ? 1 : 0;
  }
  return 0;
}
