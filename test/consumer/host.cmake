# The host side of the guest tests (fetchcontent/ and subdirectory/): a user's
# project that builds concurrent-futures inside its own build. Included right
# after the host's project(), it records what the host set; the host then
# brings the guest in and calls check_guest(<guest source dir>), which fails
# the configure where the guest changed the host's settings or defined more
# than the library's targets, and adds two programs that use the library
# through its targets alone.

set(consumer_sources ${CMAKE_CURRENT_LIST_DIR})
set(host_build_type "${CMAKE_BUILD_TYPE}")
set(host_cached_build_type "$CACHE{CMAKE_BUILD_TYPE}")
set(host_cxx_flags "${CMAKE_CXX_FLAGS}")
set(host_directory_properties
  COMPILE_OPTIONS COMPILE_DEFINITIONS INCLUDE_DIRECTORIES LINK_OPTIONS LINK_DIRECTORIES)
foreach(property IN LISTS host_directory_properties)
  get_directory_property(host_${property} ${property})
endforeach()
if(DEFINED BUILD_SHARED_LIBS)
  message(FATAL_ERROR "the host test wants BUILD_SHARED_LIBS left unset")
endif()

# The targets defined in DIR and below, appended to the list VAR.
function(collect_targets var dir)
  get_directory_property(here DIRECTORY ${dir} BUILDSYSTEM_TARGETS)
  get_directory_property(subdirectories DIRECTORY ${dir} SUBDIRECTORIES)
  set(all ${${var}} ${here})
  foreach(subdirectory IN LISTS subdirectories)
    collect_targets(all ${subdirectory})
  endforeach()
  set(${var} ${all} PARENT_SCOPE)
endfunction()

function(check_guest guest_dir)
  # The host's build type, flags and BUILD_SHARED_LIBS, as it left them.
  if(NOT CMAKE_BUILD_TYPE STREQUAL host_build_type
      OR NOT "$CACHE{CMAKE_BUILD_TYPE}" STREQUAL host_cached_build_type)
    message(FATAL_ERROR "the guest changed the host's CMAKE_BUILD_TYPE from "
      "'${host_build_type}' to '${CMAKE_BUILD_TYPE}' (cached: '$CACHE{CMAKE_BUILD_TYPE}')")
  endif()
  if(NOT CMAKE_CXX_FLAGS STREQUAL host_cxx_flags)
    message(FATAL_ERROR "the guest changed CMAKE_CXX_FLAGS to '${CMAKE_CXX_FLAGS}'")
  endif()
  foreach(property IN LISTS host_directory_properties)
    get_directory_property(value ${property})
    if(NOT value STREQUAL host_${property})
      message(FATAL_ERROR "the guest changed the host directory's ${property}: '${value}'")
    endif()
  endforeach()
  if(DEFINED BUILD_SHARED_LIBS OR DEFINED CACHE{BUILD_SHARED_LIBS})
    message(FATAL_ERROR "the guest defined BUILD_SHARED_LIBS ('${BUILD_SHARED_LIBS}')")
  endif()

  # The library's targets and nothing else: no tests, demos or benchmarks.
  collect_targets(targets ${guest_dir})
  foreach(target IN LISTS targets)
    if(NOT target MATCHES "^concurrent_futures(_mpi|_boost_serialization)?$")
      message(FATAL_ERROR "the guest defined target ${target}: a host builds no "
        "tests, demos or benchmarks of it")
    endif()
  endforeach()
  foreach(target IN ITEMS concurrent::futures concurrent::futures_boost_serialization)
    if(NOT TARGET ${target})
      message(FATAL_ERROR "the guest defined no ${target}")
    endif()
  endforeach()
  message(STATUS "host: the guest defined ${targets}, and left the host's settings alone")

  # Programs that take everything they need (C++20, include directories,
  # Threads, Boost) from the targets: the host sets nothing for them.
  add_executable(consumer ${consumer_sources}/main.cpp)
  target_link_libraries(consumer PRIVATE concurrent::futures)
  add_executable(consumer_serialization ${consumer_sources}/serialization_main.cpp)
  target_link_libraries(consumer_serialization
    PRIVATE concurrent::futures_boost_serialization)
  # The host installs its programs; the guest's files stay out.
  install(TARGETS consumer consumer_serialization)
endfunction()
