//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// image_grayscale: convert real image files to grayscale in worker
// processes with map, and measure how the time scales with the workers.
//
// The exercise: write `convert(in, out)`, which reads a colour image, turns
// it to grayscale and writes it next to it, and run it over a directory of
// images with a process pool of 1, 2, 4, ... workers. In Python:
//
//   def convert(src, dst):
//       img = read_ppm(src)
//       write_pgm(dst, [(77 * r + 150 * g + 29 * b) >> 8 for r, g, b in img])
//       return len(img), checksum
//
//   with ProcessPoolExecutor(max_workers=n) as ex:
//       results = list(ex.map(convert, sources, destinations))
//
// The demo writes 20 binary PPM (P6) images of 1920x1080 pixels in a
// temporary directory it removes at exit (gradients plus noise from a fixed
// seed, so every run converts the same pixels), converts them with a plain
// loop in this process and then with pools of 1, 2, 4, ... workers (powers
// of two up to max(4, cores)), prints a table of times and speedups, and
// writes an SVG plot of speedup against workers. Each time is the best of
// five runs; a pool's first run, which also starts its workers, is shown
// apart. Every run's checksums must equal the loop's.
//
// What crosses to a worker per image is two file names; the pixels never
// cross the process boundary: the worker reads and writes the files itself.
// The files were just written and are read from the page cache, so the work
// is CPU and memory bandwidth, which is what more cores give more of.
//
// Run it (from a CMake build directory):
//   demo/image_grayscale [--images N] [--size WxH] [--svg PATH]
// (defaults: 20 images, 1920x1080, the plot in the system's temporary
// directory as image_grayscale_speedup.svg; the path is printed)

#include "temp_directory.hpp"

#include <concurrent/futures.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
namespace fs = std::filesystem;
using std::chrono::steady_clock;

namespace {

// What converting one image returns: small, so it crosses back cheaply. An
// aggregate of codable fields needs no code to cross.
struct gray_result {
  std::uint64_t pixels;
  std::uint64_t checksum; // FNV-1a of the gray pixels

  bool operator==(gray_result const&) const = default;
};

struct image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb; // width * height * 3
};

// Skips whitespace and '#' comments in a PNM header, then reads a number.
int read_header_number(std::istream& in, std::string const& path) {
  int c = in.peek();
  while (c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
    if (c == '#')
      in.ignore(1 << 20, '\n');
    else
      in.get();
    c = in.peek();
  }
  int value = -1;
  if (!(in >> value) || value < 1)
    throw std::runtime_error(path + ": not a binary PPM (bad header)");
  return value;
}

image read_ppm(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot open " + path);
  char magic[2] = {};
  in.read(magic, 2);
  if (!in || magic[0] != 'P' || magic[1] != '6')
    throw std::runtime_error(path + ": not a binary PPM (P6)");
  image img;
  img.width = read_header_number(in, path);
  img.height = read_header_number(in, path);
  if (read_header_number(in, path) != 255)
    throw std::runtime_error(path + ": only 8-bit PPM is supported");
  in.get(); // the single whitespace before the pixels
  img.rgb.resize(static_cast<std::size_t>(img.width) * img.height * 3);
  in.read(reinterpret_cast<char*>(img.rgb.data()),
          static_cast<std::streamsize>(img.rgb.size()));
  if (in.gcount() != static_cast<std::streamsize>(img.rgb.size()))
    throw std::runtime_error(path + ": truncated");
  return img;
}

void write_pnm(std::string const& path, char const* magic, int width, int height,
               std::vector<unsigned char> const& data) {
  std::ofstream out(path, std::ios::binary);
  out << magic << '\n' << width << ' ' << height << "\n255\n";
  out.write(reinterpret_cast<char const*>(data.data()),
            static_cast<std::streamsize>(data.size()));
  if (!out.flush())
    throw std::runtime_error("cannot write " + path);
}

// The task: reads the colour image `in`, writes its grayscale version to
// `out` as a binary PGM (P5), and returns the pixel count and a checksum of
// the gray pixels. Runs in a worker process; it gets everything it needs
// through its arguments.
gray_result convert(std::string in, std::string out) {
  image const img = read_ppm(in);
  std::size_t const n = static_cast<std::size_t>(img.width) * img.height;
  std::vector<unsigned char> gray(n);
  std::uint64_t h = 14695981039346656037u; // FNV-1a 64
  for (std::size_t i = 0; i < n; ++i) {
    unsigned const r = img.rgb[3 * i], g = img.rgb[3 * i + 1], b = img.rgb[3 * i + 2];
    gray[i] = static_cast<unsigned char>((77 * r + 150 * g + 29 * b) >> 8); // ITU-R 601
    h = (h ^ gray[i]) * 1099511628211u;
  }
  write_pnm(out, "P5", img.width, img.height, gray);
  return {n, h};
}

// An image with some structure: gradients in each channel, a ring, and
// noise from xorshift64 seeded by the image's number.
void write_test_image(std::string const& path, int width, int height, unsigned seed) {
  std::vector<unsigned char> rgb(static_cast<std::size_t>(width) * height * 3);
  std::uint64_t x = (seed + 1) * 0x9e3779b97f4a7c15u; // never 0
  std::size_t i = 0;
  for (int row = 0; row < height; ++row) {
    for (int col = 0; col < width; ++col) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      int const noise = static_cast<int>(x % 41) - 20;
      int const dx = col - width / 2, dy = row - height / 2;
      int const ring = (dx * dx + dy * dy) / 64 % 256;
      int const r = col * 255 / width + noise;
      int const g = row * 255 / height + noise / 2;
      int const b = (ring + static_cast<int>(seed) * 37) % 256 - noise;
      rgb[i++] = static_cast<unsigned char>(std::clamp(r, 0, 255));
      rgb[i++] = static_cast<unsigned char>(std::clamp(g, 0, 255));
      rgb[i++] = static_cast<unsigned char>(std::clamp(b, 0, 255));
    }
  }
  write_pnm(path, "P6", width, height, rgb);
}

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

struct measurement {
  int workers;       // 0: the plain loop in this process
  double seconds;    // best of the timed runs
  double first_run;  // a pool's first run, which also starts its workers
  bool same_results; // every run's results equal the loop's
};

// ---------------------------------------------------------------- the plot

// Writes an SVG line plot of speedup against workers, with the ideal
// (speedup = workers) dashed and the machine's core count marked.
void write_svg(std::string const& path, std::vector<measurement> const& pools,
               double loop_seconds, unsigned cores, std::string const& title) {
  int const max_workers = pools.back().workers;
  double y_max = max_workers;
  for (measurement const& m : pools)
    y_max = std::max(y_max, loop_seconds / m.seconds);
  double const w = 640, h = 420, left = 60, right = 50, top = 50, bottom = 55;
  auto px = [&](double workers) {
    return left + (w - left - right) * workers / max_workers;
  };
  auto py = [&](double speedup) {
    return h - bottom - (h - top - bottom) * speedup / y_max;
  };

  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr)
    throw std::runtime_error("cannot write " + path);
  std::fprintf(
      f,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
      "<text x=\"%.0f\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">%s</text>\n",
      w, h, w / 2, title.c_str());
  // Grid and ticks: every worker count measured on x, whole speedups on y.
  int const y_step = y_max > 10 ? 2 : 1;
  for (int s = 0; s <= static_cast<int>(y_max); s += y_step)
    std::fprintf(
        f,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n",
        left, py(s), w - right, py(s), left - 6, py(s) + 4, s);
  for (measurement const& m : pools)
    std::fprintf(
        f,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n"
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
        px(m.workers), top, px(m.workers), h - bottom, px(m.workers), h - bottom + 18,
        m.workers);
  std::fprintf(
      f,
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n"
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n"
      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">worker processes</text>\n"
      "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 16 %.1f)\">speedup over one process</text>\n",
      left, h - bottom, w - right, h - bottom, left, top, left, h - bottom,
      (left + w - right) / 2, h - 14, (top + h - bottom) / 2, (top + h - bottom) / 2);
  // The machine's cores: beyond them, more workers only take turns.
  if (static_cast<int>(cores) < max_workers)
    std::fprintf(f,
                 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
                 "stroke-dasharray=\"2 3\"/>\n"
                 "<text x=\"%.1f\" y=\"%.1f\" fill=\"#666\">%u cores</text>\n",
                 px(cores), top, px(cores), h - bottom, px(cores) + 4, h - bottom - 6,
                 cores);
  // Ideal: speedup = workers, dashed.
  std::fprintf(f,
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
               px(1), py(1), px(max_workers), py(max_workers));
  // Measured.
  std::fprintf(f,
               "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
  for (measurement const& m : pools)
    std::fprintf(f, "%.1f,%.1f ", px(m.workers), py(loop_seconds / m.seconds));
  std::fprintf(f, "\"/>\n");
  for (measurement const& m : pools)
    std::fprintf(f,
                 "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#1f77b4\"/>\n"
                 "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f77b4\">%.2fx</text>\n",
                 px(m.workers), py(loop_seconds / m.seconds), px(m.workers) + 6,
                 py(loop_seconds / m.seconds) + 16, loop_seconds / m.seconds);
  // Legend.
  std::fprintf(f,
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f77b4\" "
               "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">measured</text>\n"
               "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
               "<text x=\"%.1f\" y=\"%.1f\">ideal (speedup = workers)</text>\n</svg>\n",
               left + 15, top + 10, left + 45, top + 10, left + 52, top + 14, left + 15,
               top + 28, left + 45, top + 28, left + 52, top + 32);
  if (std::fclose(f) != 0)
    throw std::runtime_error("cannot write " + path);
}

// ---------------------------------------------------------------- the runs

struct options {
  int images = 20;
  int width = 1920, height = 1080;
  std::string svg; // empty: in the system's temporary directory
};

constexpr int timed_runs = 5; // after a pool's first run; the best counts

int run(options const& opt) {
  unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
  temp_directory const dir("image_grayscale");

  auto start = steady_clock::now();
  std::vector<std::string> sources, destinations;
  for (int i = 0; i < opt.images; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "image_%02d", i);
    sources.push_back((dir.path() / name).string() + ".ppm");
    destinations.push_back((dir.path() / name).string() + ".pgm");
    write_test_image(sources.back(), opt.width, opt.height, static_cast<unsigned>(i));
  }
  double const mib = opt.images * 3.0 * opt.width * opt.height / (1024 * 1024);
  std::printf("%d images of %dx%d (binary PPM, %.1f MiB in all) written in %.2f s to\n"
              "%s\n",
              opt.images, opt.width, opt.height, mib, seconds_since(start),
              dir.path().c_str());
  std::printf("each converted by convert(in, out): read, gray = (77R + 150G + 29B) >> 8, "
              "written\nas PGM, checksummed\n\n");

  // The reference: a plain loop in this process.
  std::vector<gray_result> expected;
  double loop_seconds = 1e9;
  for (int r = 0; r < timed_runs; ++r) {
    start = steady_clock::now();
    std::vector<gray_result> results;
    for (std::size_t i = 0; i < sources.size(); ++i)
      results.push_back(convert(sources[i], destinations[i]));
    loop_seconds = std::min(loop_seconds, seconds_since(start));
    expected = std::move(results);
  }

  // The pools: 1, 2, 4, ... workers. A pool starts a worker for each call
  // that finds none idle, so map's first run starts all of them; that run
  // is shown apart, and the best of the next runs is the pool's time.
  int const most = static_cast<int>(std::max(4u, cores));
  std::vector<measurement> pools;
  for (int workers = 1; workers <= most; workers *= 2) {
    measurement m{workers, 1e9, 0, true};
    cf::process_pool_executor procs{{.max_workers = workers}};
    for (int r = 0; r <= timed_runs; ++r) {
      start = steady_clock::now();
      std::vector<gray_result> results;
      for (gray_result const& g : procs.map(convert, sources, destinations))
        results.push_back(g);
      double const took = seconds_since(start);
      if (r == 0)
        m.first_run = took;
      else
        m.seconds = std::min(m.seconds, took);
      m.same_results = m.same_results && results == expected;
    }
    pools.push_back(m);
  }

  std::printf("  %-22s %9s %9s   %s\n", "workers", "seconds", "speedup",
              "first run (starts the workers)");
  std::printf("  %-22s %9.3f %8.2fx\n", "loop (no pool)", loop_seconds, 1.0);
  bool ok = true;
  for (measurement const& m : pools) {
    std::printf("  %-22d %9.3f %8.2fx   %.3f s%s\n", m.workers, m.seconds,
                loop_seconds / m.seconds, m.first_run,
                m.same_results ? "" : "   RESULTS DIFFER");
    ok = ok && m.same_results;
  }
  std::printf("\n(best of %d runs each; at best min(workers, cores), %u cores here; a "
              "busy machine\nshows less)\n",
              timed_runs, cores);

  std::uint64_t pixels = 0, combined = 0;
  for (gray_result const& g : expected) {
    pixels += g.pixels;
    combined = combined * 31 + g.checksum;
  }
  std::printf("\nchecksums of every pool run equal the loop's: %s (%ju pixels, combined "
              "checksum %016jx)\n",
              ok ? "yes" : "NO", static_cast<std::uintmax_t>(pixels),
              static_cast<std::uintmax_t>(combined));

  std::string const svg =
      opt.svg.empty()
          ? (fs::temp_directory_path() / "image_grayscale_speedup.svg").string()
          : opt.svg;
  std::string const title = "image_grayscale: " + std::to_string(opt.images) +
                            " images " + std::to_string(opt.width) + "x" +
                            std::to_string(opt.height) + ", " + std::to_string(cores) +
                            " cores";
  write_svg(svg, pools, loop_seconds, cores, title);
  std::printf("speedup plot (SVG): %s\n", svg.c_str());

  if (!ok) {
    std::fprintf(stderr, "image_grayscale: a pool's results differ from the loop's\n");
    return 1;
  }
  return 0;
}

// Parses the command line; false on a bad one.
bool parse(int argc, char** argv, options& opt) {
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if (i + 1 >= argc)
      return false;
    char const* value = argv[++i];
    char* end = nullptr;
    if (arg == "--images") {
      opt.images = static_cast<int>(std::strtol(value, &end, 10));
      if (*end != '\0' || opt.images < 1)
        return false;
    } else if (arg == "--size") {
      opt.width = static_cast<int>(std::strtol(value, &end, 10));
      if (*end != 'x')
        return false;
      opt.height = static_cast<int>(std::strtol(end + 1, &end, 10));
      if (*end != '\0' || opt.width < 1 || opt.height < 1 || opt.width > 20'000 ||
          opt.height > 20'000)
        return false;
    } else if (arg == "--svg") {
      opt.svg = value;
    } else {
      return false;
    }
  }
  return true;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse(argc, argv, opt)) {
    std::fprintf(stderr,
                 "usage: image_grayscale [--images N] [--size WxH] [--svg PATH]\n");
    return 2;
  }
  std::printf(
      "image_grayscale: colour images to grayscale with process_pool_executor::map, "
      "timed\nwith 1, 2, 4, ... worker processes\n\n");
  try {
    return run(opt);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "image_grayscale: %s\n", e.what());
    return 1;
  }
}
