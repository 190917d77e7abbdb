//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// One contender of the MPI benchmark, run under mpirun (bench/mpi/run.sh
// starts it, interleaved with mpi4py.futures, and prints the table):
//
//   mpirun -n 3 --oversubscribe mpi_bench --impl ours   # cf::mpi_comm_executor
//   mpirun -n 3 --oversubscribe mpi_bench --impl raw    # the C API floor
//
// Rank 0 submits, the other ranks are the workers. Rank 0 prints one line
// of JSON per workload on stdout:
//
//   roundtrip   sequential submit + result of a no-op, one call in flight
//   throughput  a burst of N no-op submits, then every result read in order
//   map         identity over N ints with chunksize 1000, consumed in order
//   primes      the primes below N by trial division, in 16 chunks submitted
//               at once (the speedup is this run against one under -n 2)
//
// `--impl raw` is the floor under the same layout: MPI_Send from rank 0,
// MPI_Mprobe + MPI_Mrecv on both sides, messages of the sizes the executor
// sends (its call and reply frames for an int, and for a chunk of 1000
// ints). Round trip: ping-pong with rank 1 (the other workers wait for the
// stop, as an idle executor worker does). Throughput and map: as many
// messages outstanding per worker as the executor hands a worker
// (calls_per_worker, 2; --window), round robin. Primes: the same 16 chunks
// dealt round robin up front, the speedup the machine allows.
//
// `--calls-per-worker K` sets ours' mpi_comm_options::calls_per_worker.
//
// Every call checks that it ran on a worker: on rank 0 it returns -1, which
// breaks the checked sum.

#include <concurrent/futures/mpi.hpp>

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;

namespace {

using clock_type = std::chrono::steady_clock;

// This process' rank in MPI_COMM_WORLD, set once MPI is up.
int world_rank = -1;

// ------------------------------------------------------------ the calls

int identity(int x) {
  return world_rank == 0 ? -1 : x;
}

// Sleeps, then says which rank ran it (to see every worker before the clock).
int rank_after(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return world_rank;
}

bool is_prime(int x) {
  if (x < 2)
    return false;
  if (x < 4)
    return true;
  if (x % 2 == 0)
    return false;
  for (int d = 3; d <= x / d; d += 2)
    if (x % d == 0)
      return false;
  return true;
}

// The primes in blocks [first + j * stride, + block) below end
// (python_mpi.py has the same loop); -1 on rank 0.
int count_primes(int first, int end, int block, int stride) {
  if (world_rank == 0)
    return -1;
  int count = 0;
  for (int b = first; b < end; b += stride)
    for (int x = b; x < std::min(b + block, end); ++x)
      count += is_prime(x);
  return count;
}

// ------------------------------------------------------------ options

constexpr int map_chunksize = 1000;
constexpr int prime_chunks = 16;
constexpr int blocks_per_chunk = 32;

struct options {
  std::string impl = "ours";
  std::vector<std::string> workloads{"roundtrip", "throughput", "map", "primes"};
  long roundtrip_n = 10'000;
  long throughput_n = 50'000;
  long map_n = 100'000;
  long primes_n = 10'000'000;
  // The executor's frames (16-byte header + the call or reply message), as
  // a PMPI shim saw them on 2026-12-05: identity(int) and its int, and
  // identity over a chunk of 1000 ints and the 1000 results.
  int call_bytes = 44;
  int reply_bytes = 22;
  int map_call_bytes = 4048;
  int map_reply_bytes = 4026;
  int window = 2;           // raw: messages outstanding per worker
  int calls_per_worker = 2; // ours: mpi_comm_options::calls_per_worker
};

std::vector<std::string> split(std::string const& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty())
      out.push_back(item);
  return out;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string const a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--impl")
      o.impl = value();
    else if (a == "--workloads")
      o.workloads = split(value());
    else if (a == "--roundtrip-n")
      o.roundtrip_n = std::stol(value());
    else if (a == "--throughput-n")
      o.throughput_n = std::stol(value());
    else if (a == "--map-n")
      o.map_n = std::stol(value());
    else if (a == "--primes-n")
      o.primes_n = std::stol(value());
    else if (a == "--call-bytes")
      o.call_bytes = std::stoi(value());
    else if (a == "--reply-bytes")
      o.reply_bytes = std::stoi(value());
    else if (a == "--map-call-bytes")
      o.map_call_bytes = std::stoi(value());
    else if (a == "--map-reply-bytes")
      o.map_reply_bytes = std::stoi(value());
    else if (a == "--window")
      o.window = std::stoi(value());
    else if (a == "--calls-per-worker")
      o.calls_per_worker = std::stoi(value());
    else
      throw std::invalid_argument("unknown argument " + a +
                                  " (--impl ours|raw, --workloads a,b, --roundtrip-n, "
                                  "--throughput-n, --map-n, --primes-n, --window, "
                                  "--calls-per-worker, "
                                  "--call-bytes, --reply-bytes, --map-call-bytes, "
                                  "--map-reply-bytes)");
  }
  if (o.impl != "ours" && o.impl != "raw")
    throw std::invalid_argument("--impl is ours or raw");
  if (o.roundtrip_n < 1 || o.throughput_n < 1 || o.map_n < 1 || o.primes_n < 3 ||
      o.window < 1 || o.calls_per_worker < 1 || o.call_bytes < 8 || o.reply_bytes < 8 ||
      o.map_call_bytes < 8 || o.map_reply_bytes < 8)
    throw std::invalid_argument("sizes must be positive (bytes >= 8)");
  return o;
}

// ------------------------------------------------------------ figures

double seconds_between(clock_type::time_point t0, clock_type::time_point t1) {
  return std::chrono::duration<double>(t1 - t0).count();
}

double percentile_us(std::vector<std::int64_t>& ns, double q) {
  auto const k = std::min(ns.size() - 1,
                          static_cast<std::size_t>(q * static_cast<double>(ns.size())));
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(k), ns.end());
  return static_cast<double>(ns[k]) / 1e3;
}

std::int64_t expected_sum(long n) {
  return static_cast<std::int64_t>(n) * (n - 1) / 2;
}

std::int64_t primes_below(long n) {
  std::vector<bool> composite(static_cast<std::size_t>(n), false);
  std::int64_t count = 0;
  for (long i = 2; i < n; ++i) {
    if (composite[static_cast<std::size_t>(i)])
      continue;
    ++count;
    for (long j = i * i; j < n; j += i)
      composite[static_cast<std::size_t>(j)] = true;
  }
  return count;
}

struct result {
  std::string workload;
  long n = 0;
  double seconds = 0;
  bool ok = false;
  double p50_us = -1;
  double p99_us = -1;
  double submit_seconds = -1; // throughput: the submits alone
};

result make_result(char const* workload, long n, double seconds, bool ok) {
  result r;
  r.workload = workload;
  r.n = n;
  r.seconds = seconds;
  r.ok = ok;
  return r;
}

void print(options const& o, int workers, result const& r) {
  char line[512];
  std::snprintf(line, sizeof line,
                "{\"impl\": \"%s\", \"workload\": \"%s\", \"workers\": %d, \"n\": %ld, "
                "\"seconds\": %.9f, \"checksum_ok\": %s",
                o.impl.c_str(), r.workload.c_str(), workers, r.n, r.seconds,
                r.ok ? "true" : "false");
  std::cout << line;
  if (r.p50_us >= 0) {
    std::snprintf(line, sizeof line, ", \"p50_us\": %.3f, \"p99_us\": %.3f", r.p50_us,
                  r.p99_us);
    std::cout << line;
  }
  if (r.submit_seconds >= 0) {
    std::snprintf(line, sizeof line, ", \"submit_seconds\": %.9f", r.submit_seconds);
    std::cout << line;
  }
  std::cout << "}" << std::endl;
}

// ------------------------------------------------------------ ours

class ours_runner {
public:
  ours_runner(cf::mpi_comm_executor& ex, int workers) : ex_(ex) {
    // Rounds of short sleeps until every worker rank has run a call.
    std::set<int> ranks;
    for (int round = 0; round < 50 && static_cast<int>(ranks.size()) < workers; ++round) {
      std::vector<cf::future<int>> fs;
      for (int i = 0; i < 2 * workers; ++i)
        fs.push_back(ex_.submit(rank_after, 5));
      for (auto& f : fs)
        ranks.insert(f.result());
    }
    if (static_cast<int>(ranks.size()) != workers || ranks.count(0))
      throw std::runtime_error("calls ran on " + std::to_string(ranks.size()) +
                               " ranks, not the " + std::to_string(workers) + " workers");
  }

  result round_trip(long n) {
    std::vector<std::int64_t> ns(static_cast<std::size_t>(n));
    std::int64_t sum = 0;
    auto const t0 = clock_type::now();
    for (long i = 0; i < n; ++i) {
      auto const s0 = clock_type::now();
      sum += ex_.submit(identity, static_cast<int>(i)).result();
      ns[static_cast<std::size_t>(i)] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - s0)
              .count();
    }
    auto const t1 = clock_type::now();
    result r =
        make_result("roundtrip", n, seconds_between(t0, t1), sum == expected_sum(n));
    r.p50_us = percentile_us(ns, 0.50);
    r.p99_us = percentile_us(ns, 0.99);
    return r;
  }

  result throughput(long n) {
    std::vector<cf::future<int>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    std::int64_t sum = 0;
    auto const t0 = clock_type::now();
    for (long i = 0; i < n; ++i)
      fs.push_back(ex_.submit(identity, static_cast<int>(i)));
    auto const submitted = clock_type::now();
    for (auto& f : fs)
      sum += f.result();
    fs.clear();
    auto const t1 = clock_type::now();
    auto r =
        make_result("throughput", n, seconds_between(t0, t1), sum == expected_sum(n));
    r.submit_seconds = seconds_between(t0, submitted);
    return r;
  }

  result map(long n) {
    std::vector<int> inputs(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i)
      inputs[static_cast<std::size_t>(i)] = static_cast<int>(i);
    std::int64_t sum = 0;
    auto const t0 = clock_type::now();
    for (int v : ex_.map(identity, inputs, {.chunksize = map_chunksize}))
      sum += v;
    auto const t1 = clock_type::now();
    return make_result("map", n, seconds_between(t0, t1), sum == expected_sum(n));
  }

  result primes(long n) {
    int const end = static_cast<int>(n);
    int const block = std::max(1, end / (prime_chunks * blocks_per_chunk));
    std::vector<cf::future<int>> fs;
    std::int64_t count = 0;
    bool negative = false;
    auto const t0 = clock_type::now();
    for (int k = 0; k < prime_chunks; ++k)
      fs.push_back(ex_.submit(count_primes, k * block, end, block, prime_chunks * block));
    for (auto& f : fs) {
      int const c = f.result();
      negative = negative || c < 0;
      count += c;
    }
    auto const t1 = clock_type::now();
    return make_result("primes", n, seconds_between(t0, t1),
                       !negative && count == primes_below(n));
  }

private:
  cf::mpi_comm_executor& ex_;
};

// ------------------------------------------------------------ raw

constexpr int raw_tag_call = 1;
constexpr int raw_tag_stop = 2;
constexpr int raw_tag_reply = 3;
constexpr int raw_tag_primes = 4;

// A worker: replies to each call with `reply_bytes` (or the map size, for a
// call of the map size), the call's first 8 bytes (its index) first, until
// the stop.
void raw_serve(options const& o) {
  std::vector<char> in(
      static_cast<std::size_t>(std::max(o.call_bytes, o.map_call_bytes)));
  std::vector<char> out(
      static_cast<std::size_t>(std::max(o.reply_bytes, o.map_reply_bytes)));
  for (;;) {
    MPI_Message msg;
    MPI_Status st;
    MPI_Mprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &msg, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    MPI_Mrecv(in.data(), count, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
    if (st.MPI_TAG == raw_tag_stop)
      return;
    if (st.MPI_TAG == raw_tag_primes) {
      int a[4];
      std::memcpy(a, in.data(), sizeof a);
      std::int64_t const c = count_primes(a[0], a[1], a[2], a[3]);
      MPI_Send(&c, 8, MPI_BYTE, 0, raw_tag_reply, MPI_COMM_WORLD);
      continue;
    }
    // Echo the index, or for a map chunk, sum the chunk's ints.
    std::int64_t v = 0;
    if (count == o.map_call_bytes) {
      std::int64_t first = 0;
      std::memcpy(&first, in.data(), 8);
      v = 0;
      for (int k = 0; k < map_chunksize; ++k)
        v += first + k;
    } else {
      std::memcpy(&v, in.data(), 8);
    }
    std::memcpy(out.data(), &v, 8);
    int const n = count == o.map_call_bytes ? o.map_reply_bytes : o.reply_bytes;
    MPI_Send(out.data(), n, MPI_BYTE, 0, raw_tag_reply, MPI_COMM_WORLD);
  }
}

class raw_root {
public:
  raw_root(options const& o, int workers)
      : o_(o), workers_(workers),
        out_(static_cast<std::size_t>(std::max(o.call_bytes, o.map_call_bytes))),
        in_(static_cast<std::size_t>(std::max(o.reply_bytes, o.map_reply_bytes))) {}

  ~raw_root() {
    for (int w = 1; w <= workers_; ++w)
      MPI_Send(nullptr, 0, MPI_BYTE, w, raw_tag_stop, MPI_COMM_WORLD);
  }
  raw_root(raw_root const&) = delete;
  raw_root& operator=(raw_root const&) = delete;

  result round_trip(long n) {
    std::vector<std::int64_t> ns(static_cast<std::size_t>(n));
    std::int64_t sum = 0;
    auto const t0 = clock_type::now();
    for (long i = 0; i < n; ++i) {
      auto const s0 = clock_type::now();
      send(1, i, o_.call_bytes);
      sum += receive(nullptr);
      ns[static_cast<std::size_t>(i)] =
          std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - s0)
              .count();
    }
    auto const t1 = clock_type::now();
    result r =
        make_result("roundtrip", n, seconds_between(t0, t1), sum == expected_sum(n));
    r.p50_us = percentile_us(ns, 0.50);
    r.p99_us = percentile_us(ns, 0.99);
    return r;
  }

  // `messages` calls of `bytes`, index k * step, `window` outstanding per
  // worker, round robin; the replies summed.
  std::int64_t pipeline(long messages, long step, int bytes) {
    std::int64_t sum = 0;
    long sent = 0;
    long received = 0;
    // Fill every worker's window, then one new call per reply, to the worker
    // that replied.
    for (int k = 0; k < o_.window; ++k)
      for (int w = 1; w <= workers_ && sent < messages; ++w, ++sent)
        send(w, sent * step, bytes);
    while (received < messages) {
      int from = 0;
      sum += receive(&from);
      ++received;
      if (sent < messages) {
        send(from, sent * step, bytes);
        ++sent;
      }
    }
    return sum;
  }

  result throughput(long n) {
    auto const t0 = clock_type::now();
    std::int64_t const sum = pipeline(n, 1, o_.call_bytes);
    auto const t1 = clock_type::now();
    return make_result("throughput", n, seconds_between(t0, t1), sum == expected_sum(n));
  }

  result map(long n) {
    long const chunks = n / map_chunksize;
    auto const t0 = clock_type::now();
    std::int64_t const sum = pipeline(chunks, map_chunksize, o_.map_call_bytes);
    auto const t1 = clock_type::now();
    long const items = chunks * map_chunksize;
    return make_result("map", items, seconds_between(t0, t1), sum == expected_sum(items));
  }

  // The same 16 chunks, dealt round robin to the workers up front (the
  // executor deals them as its workers free up): the machine's speedup.
  result primes(long n) {
    int const end = static_cast<int>(n);
    int const block = std::max(1, end / (prime_chunks * blocks_per_chunk));
    std::int64_t count = 0;
    bool negative = false;
    auto const t0 = clock_type::now();
    for (int k = 0; k < prime_chunks; ++k) {
      int const a[4] = {k * block, end, block, prime_chunks * block};
      MPI_Send(a, static_cast<int>(sizeof a), MPI_BYTE, 1 + k % workers_, raw_tag_primes,
               MPI_COMM_WORLD);
    }
    for (int k = 0; k < prime_chunks; ++k) {
      std::int64_t const c = receive(nullptr);
      negative = negative || c < 0;
      count += c;
    }
    auto const t1 = clock_type::now();
    return make_result("primes", n, seconds_between(t0, t1),
                       !negative && count == primes_below(n));
  }

private:
  void send(int worker, std::int64_t index, int bytes) {
    std::memcpy(out_.data(), &index, 8);
    MPI_Send(out_.data(), bytes, MPI_BYTE, worker, raw_tag_call, MPI_COMM_WORLD);
  }
  std::int64_t receive(int* from) {
    MPI_Message msg;
    MPI_Status st;
    MPI_Mprobe(MPI_ANY_SOURCE, raw_tag_reply, MPI_COMM_WORLD, &msg, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    MPI_Mrecv(in_.data(), count, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
    if (from)
      *from = st.MPI_SOURCE;
    std::int64_t v = 0;
    std::memcpy(&v, in_.data(), 8);
    return v;
  }

  options const& o_;
  int workers_;
  std::vector<char> out_;
  std::vector<char> in_;
};

// ------------------------------------------------------------ main

int run(options const& o, int size) {
  int const workers = size - 1;
  bool all_ok = true;
  auto report = [&](result const& r) {
    print(o, workers, r);
    all_ok = all_ok && r.ok;
  };
  if (o.impl == "ours") {
    cf::mpi_comm_options eo;
    eo.calls_per_worker = o.calls_per_worker;
    cf::mpi_comm_executor ex(eo);
    if (ex.is_worker())
      return 0;
    ours_runner runner(ex, workers);
    for (auto const& w : o.workloads) {
      if (w == "roundtrip")
        report(runner.round_trip(o.roundtrip_n));
      else if (w == "throughput")
        report(runner.throughput(o.throughput_n));
      else if (w == "map")
        report(runner.map(o.map_n));
      else if (w == "primes")
        report(runner.primes(o.primes_n));
      else
        throw std::invalid_argument("unknown workload " + w);
    }
    return all_ok ? 0 : 1;
  }
  if (world_rank != 0) {
    raw_serve(o);
    return 0;
  }
  raw_root root(o, workers);
  for (auto const& w : o.workloads) {
    if (w == "roundtrip")
      report(root.round_trip(o.roundtrip_n));
    else if (w == "throughput")
      report(root.throughput(o.throughput_n));
    else if (w == "map")
      report(root.map(o.map_n));
    else if (w == "primes")
      report(root.primes(o.primes_n));
    else
      throw std::invalid_argument("unknown workload " + w);
  }
  return all_ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  cf::mpi_environment env(argc, argv);
  world_rank = env.rank();
  try {
    options const o = parse(argc, argv);
    if (env.size() < 2)
      throw std::invalid_argument("run under mpirun -n 2 or more (rank 0 submits)");
    return run(o, env.size());
  } catch (std::exception const& e) {
    std::cerr << "mpi_bench (rank " << world_rank << "): " << e.what() << '\n';
    MPI_Abort(MPI_COMM_WORLD, 2);
    return 2;
  }
}
