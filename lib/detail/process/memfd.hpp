//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_MEMFD_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_MEMFD_HPP

// Nameless shared memory: a memfd, handed to the worker by fork, exec or
// SCM_RIGHTS, mapped through Boost.Interprocess. Nothing appears in
// /dev/shm, so nothing is left there when a process is SIGKILLed (a named
// POSIX segment outlives every process that used it).

#include <boost/interprocess/mapped_region.hpp>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <system_error>

namespace concurrent::futures::detail::process {

/// A memfd as Boost.Interprocess' MemoryMappable.
class memfd_mappable {
public:
  explicit memfd_mappable(int fd) noexcept : fd_(fd) {}
  boost::interprocess::mapping_handle_t get_mapping_handle() const noexcept {
    return boost::interprocess::ipcdetail::mapping_handle_from_file_handle(fd_);
  }
  boost::interprocess::mode_t get_mode() const noexcept {
    return boost::interprocess::read_write;
  }

private:
  int fd_;
};

/// A new memfd of `size` bytes (close-on-exec).
inline int create_memfd(char const* name, std::size_t size) {
  int const fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0)
    throw std::system_error(errno, std::system_category(), "memfd_create");
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int const e = errno;
    ::close(fd);
    throw std::system_error(e, std::system_category(), "ftruncate(memfd)");
  }
  return fd;
}

/// Maps all of a memfd, shared and writable.
inline boost::interprocess::mapped_region map_memfd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    throw std::system_error(errno, std::system_category(), "fstat(memfd)");
  return boost::interprocess::mapped_region(memfd_mappable(fd),
                                            boost::interprocess::read_write, 0,
                                            static_cast<std::size_t>(st.st_size));
}

} // namespace concurrent::futures::detail::process

#endif
