//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// gather_files: a coroutine reads ten files at once on a thread pool and
// gathers the contents in input order, without ever blocking its own thread.
//
// asyncio's way of calling blocking code from a coroutine, in C++:
//
//   async def main():
//       loop = asyncio.get_running_loop()
//       with ThreadPoolExecutor(max_workers=4) as pool:
//           contents = await asyncio.gather(
//               *(loop.run_in_executor(pool, read_file, p) for p in paths))
//
// cf::run_in_executor(pool, read_file, path) submits the call at once and
// returns a cf::future; the coroutine starts all ten, then co_awaits each in
// turn. A future already done resumes at once, so gathering in input order
// costs no more than the slowest read. std::ifstream blocks the thread that
// reads; here that is a pool thread, while the coroutine stays on the
// io_context's thread (this program's main thread), free to serve anything
// else the io_context runs. The output shows both threads.
//
// The files are real: the demo writes them (first co_await: cf::to_thread,
// asyncio.to_thread, which uses the io_context's default thread pool) in a
// temporary directory it removes when it ends.
//
// Run it (from a CMake build directory):
//   demo/gather_files

#include "temp_directory.hpp"

#include <concurrent/futures.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/crc.hpp>

#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace cf = concurrent::futures;
namespace fs = std::filesystem;
using std::chrono::steady_clock;

namespace {

constexpr int file_count = 10;

// The calling thread's name: "gather_files" for the main thread (the
// program's name), "<prefix>_<i>" for a pool thread.
std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// CRC-32 as zlib computes it (Python's zlib.crc32).
std::uint32_t crc32_of(std::string const& data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

// File i: text lines, 1 KiB x (i + 1)^2 plus a little, so no two sizes match.
std::string contents_of_file(int i) {
  std::size_t const size = 1024 * static_cast<std::size_t>((i + 1) * (i + 1)) + 37 * i;
  std::string text;
  for (int line = 0; text.size() < size; ++line)
    text += "file " + std::to_string(i) + ", line " + std::to_string(line) +
            ": the quick brown fox jumps over the lazy dog\n";
  text.resize(size);
  return text;
}

struct created_file {
  fs::path path;
  std::uint32_t crc32; // of what was written, to check what is read
};

struct created_files {
  std::vector<created_file> files;
  std::string thread; // the thread that wrote them
};

// Writes the ten files; blocking, so the coroutine runs it through to_thread.
created_files create_files(fs::path const& dir) {
  created_files created{{}, thread_name()};
  for (int i = 0; i < file_count; ++i) {
    std::string const text = contents_of_file(i);
    fs::path path = dir / ("file_" + std::to_string(i) + ".txt");
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush())
      throw std::runtime_error("cannot write " + path.string());
    created.files.push_back({std::move(path), crc32_of(text)});
  }
  return created;
}

struct file_read {
  std::string name;
  std::string data;
  std::string thread; // the thread that read it
};

// The blocking call to offload: reads a whole file with std::ifstream.
file_read read_file(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open " + path.string());
  std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return {path.filename().string(), std::move(data), thread_name()};
}

struct gathered {
  created_files created;
  std::vector<file_read> reads; // in the order of created.files
  double read_ms;
  bool stayed_on_loop_thread; // the coroutine resumed on its thread each time
};

// The coroutine: creates the files, reads them all at once, gathers.
asio::awaitable<gathered> create_and_gather(cf::thread_pool_executor& pool, fs::path dir,
                                            std::thread::id loop_thread) {
  gathered g{};
  g.stayed_on_loop_thread = std::this_thread::get_id() == loop_thread;

  // Setup, blocking too: to_thread runs it on the io_context's default
  // executor and resumes here with the result (asyncio.to_thread). Arguments
  // go through to_thread's own list, not into a capturing lambda written in
  // the co_await expression: g++ 12 destroys such a lambda twice.
  g.created = co_await cf::to_thread(create_files, dir);
  g.stayed_on_loop_thread &= std::this_thread::get_id() == loop_thread;

  auto const start = steady_clock::now();
  // Start all ten reads: each run_in_executor submits to the pool now and
  // returns its future at once. (path is copied into the task.)
  std::vector<cf::future<file_read>> futures;
  for (created_file const& f : g.created.files)
    futures.push_back(cf::run_in_executor(pool, read_file, f.path));

  // Gather in input order: co_await each future in turn. The coroutine is
  // suspended (no thread waits) until that read is done, and resumes on
  // the io_context's thread; a read that throws would throw here.
  for (cf::future<file_read>& f : futures) {
    g.reads.push_back(co_await std::move(f)); // moves the contents out
    g.stayed_on_loop_thread &= std::this_thread::get_id() == loop_thread;
  }
  g.read_ms =
      std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
  co_return g;
}

int run() {
  temp_directory const dir("gather_files");
  std::optional<gathered> result;
  std::size_t threads_started = 0;
  {
    // The pool outlives the io_context, whose coroutine waits on its tasks.
    cf::thread_pool_executor pool{{.max_workers = 4, .thread_name_prefix = "reader"}};
    asio::io_context io;
    auto done = asio::co_spawn(
        io, create_and_gather(pool, dir.path(), std::this_thread::get_id()),
        asio::use_future);
    io.run();            // this thread is the io_context's: the coroutine runs here
    result = done.get(); // or what it threw
    threads_started = pool.thread_count();
  }

  gathered const& g = *result;
  std::printf("coroutine thread: '%s' (the io_context's, this program's main thread)\n",
              thread_name().c_str());
  std::printf("created %d files in %s on thread '%s' (cf::to_thread)\n\n", file_count,
              dir.path().c_str(), g.created.thread.c_str());

  std::printf("  %-12s %8s  %-8s  %s\n", "file", "bytes", "crc32", "read on thread");
  bool intact = g.reads.size() == g.created.files.size();
  std::set<std::string> readers;
  for (std::size_t i = 0; i < g.reads.size(); ++i) {
    file_read const& r = g.reads[i];
    std::uint32_t const crc = crc32_of(r.data);
    bool const same =
        r.name == g.created.files[i].path.filename() && crc == g.created.files[i].crc32;
    intact = intact && same;
    readers.insert(r.thread);
    std::printf("  %-12s %8zu  %08x  %s%s\n", r.name.c_str(), r.data.size(),
                static_cast<unsigned>(crc), r.thread.c_str(),
                same ? "" : "  <- NOT WHAT WAS WRITTEN");
  }

  std::printf("\n%zu reads gathered in input order in %.2f ms, on %zu pool threads:",
              g.reads.size(), g.read_ms, readers.size());
  for (std::string const& name : readers)
    std::printf(" %s", name.c_str());
  std::printf("\n(the pool started %zu threads; one that finishes a short read takes "
              "the next)\n",
              threads_started);
  std::printf("the coroutine resumed on the io_context's thread after every co_await: "
              "%s\n",
              g.stayed_on_loop_thread ? "yes" : "NO");
  std::printf("the temporary directory is removed at exit\n");

  bool const off_loop = !readers.contains(thread_name());
  if (!intact || !g.stayed_on_loop_thread || !off_loop) {
    std::fprintf(stderr, "gather_files: unexpected results (see above)\n");
    return 1;
  }
  return 0;
}

} // namespace

int main() {
  std::printf("gather_files: a coroutine reads %d files at once with "
              "cf::run_in_executor and gathers\nthe results in input order\n\n",
              file_count);
  try {
    return run();
  } catch (std::exception const& e) {
    std::fprintf(stderr, "gather_files: %s\n", e.what());
    return 1;
  }
}
