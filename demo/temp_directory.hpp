//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DEMO_TEMP_DIRECTORY_HPP
#define CONCURRENT_FUTURES_DEMO_TEMP_DIRECTORY_HPP

// For the demos that work on real files: a directory they make and remove.

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

/// A directory of its own under the system's temporary directory, removed
/// with everything in it when this object goes.
class temp_directory {
public:
  explicit temp_directory(std::string const& prefix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    path_ = pattern;
  }
  temp_directory(temp_directory const&) = delete;
  temp_directory& operator=(temp_directory const&) = delete;
  ~temp_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  std::filesystem::path const& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

#endif
