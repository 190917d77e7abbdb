# The pkg-config files: installs the library built in BINARY_DIR into a
# scratch prefix, moves the prefix elsewhere (the .pc files find it from where
# they lie), then builds each consumer with the compiler, -std=c++20 and what
# `pkg-config --cflags --libs <module>` prints, nothing else, and runs it.
#
#   cmake -DBINARY_DIR=<build> -DSOURCE_DIR=<test/consumer> -DWORK_DIR=<scratch>
#         -DCXX=<compiler> -DPKG_CONFIG=<pkg-config> [-DEXPECT_MPI=ON]
#         -P pkg_config.cmake

cmake_minimum_required(VERSION 3.20)
# tools/test.sh installs pkgconf: a missing pkg-config is a failure, not a skip.
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "consumer_pkg_config: no pkg-config (apt-get install pkgconf)")
endif()
file(REMOVE_RECURSE ${WORK_DIR})

include(${CMAKE_CURRENT_LIST_DIR}/run_command.cmake)

run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${WORK_DIR}/install)
set(prefix ${WORK_DIR}/moved)
file(RENAME ${WORK_DIR}/install ${prefix})
file(GLOB_RECURSE pc_files ${prefix}/*.pc)
list(FILTER pc_files INCLUDE REGEX "/concurrent-futures\\.pc$")
if(NOT pc_files)
  message(FATAL_ERROR "no concurrent-futures.pc installed under ${prefix}")
endif()
get_filename_component(pc_dir ${pc_files} DIRECTORY)
get_filename_component(lib_dir ${pc_dir} DIRECTORY)
# Ours first, the system's after (MPI's module).
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
unset(ENV{PKG_CONFIG_SYSROOT_DIR})
unset(ENV{PKG_CONFIG_LIBDIR})
# A shared library found at run time where it lies.
set(ENV{LD_LIBRARY_PATH} "${lib_dir}:$ENV{LD_LIBRARY_PATH}")

# pkg-config --cflags --libs MODULE, as a list; the paths in it must be the
# moved prefix's.
function(flags_of var module)
  execute_process(COMMAND ${PKG_CONFIG} --cflags --libs ${module}
    OUTPUT_VARIABLE out RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc)
    message(FATAL_ERROR "pkg-config --cflags --libs ${module} failed: ${rc}")
  endif()
  message(STATUS "${module}: ${out}")
  string(FIND "${out}" "-I${prefix}/" include_at)
  string(FIND "${out}" "-L${prefix}/" lib_at)
  if(include_at LESS 0 OR lib_at LESS 0)
    message(FATAL_ERROR "${module}: the flags name no -I and -L in ${prefix}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${out}")
  set(${var} ${flags} PARENT_SCOPE)
endfunction()

set(modules concurrent-futures concurrent-futures-boost-serialization)
if(EXPECT_MPI)
  list(APPEND modules concurrent-futures-mpi)
endif()
foreach(module IN LISTS modules)
  run(${PKG_CONFIG} --validate ${module})
endforeach()
# What a static library needs besides, for pkg-config --static.
execute_process(COMMAND ${PKG_CONFIG} --static --libs concurrent-futures
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out MATCHES "-lconcurrent_futures .*-ldl")
  message(FATAL_ERROR "pkg-config --static --libs concurrent-futures: ${out}")
endif()

set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
foreach(program IN ITEMS main serialization_main mpi_main)
  if(program STREQUAL "main")
    set(module concurrent-futures)
  elseif(program STREQUAL "serialization_main")
    set(module concurrent-futures-boost-serialization)
  elseif(EXPECT_MPI)
    set(module concurrent-futures-mpi)
  else()
    continue()
  endif()
  flags_of(flags ${module})
  run(${CXX} -std=c++20 ${SOURCE_DIR}/${program}.cpp ${flags} -o ${WORK_DIR}/${program})
  execute_process(COMMAND ${WORK_DIR}/${program} RESULT_VARIABLE rc TIMEOUT 120)
  if(rc)
    message(FATAL_ERROR "${program}, built with pkg-config's ${module}, failed: ${rc}")
  endif()
endforeach()
