# The ways a user's build takes the library in, each checked by building and
# running the programs here against it: the installed CMake package
# (consumer_project, in test/CMakeLists.txt), pkg-config, FetchContent and
# add_subdirectory. b2's use-project is tools/b2_consumer.sh, which .ci/run
# runs after the b2 build. Included by test/CMakeLists.txt where
# consumer_project is registered (not in sanitizer builds).
#
# The guest tests build the library again, in a host's build (about a minute
# each on two cores); they count as two processors to ctest -j.

find_package(PkgConfig QUIET)
add_test(NAME consumer_pkg_config
  COMMAND ${CMAKE_COMMAND}
    -DBINARY_DIR=${PROJECT_BINARY_DIR}
    -DSOURCE_DIR=${CMAKE_CURRENT_LIST_DIR}
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer_pkg_config
    -DCXX=${CMAKE_CXX_COMPILER}
    -DPKG_CONFIG=${PKG_CONFIG_EXECUTABLE}
    -DEXPECT_MPI=${CONCURRENT_FUTURES_HAVE_MPI}
    -P ${CMAKE_CURRENT_LIST_DIR}/pkg_config.cmake)
set_tests_properties(consumer_pkg_config PROPERTIES TIMEOUT 300)

foreach(how IN ITEMS fetchcontent subdirectory)
  add_test(NAME consumer_${how}
    COMMAND ${CMAKE_COMMAND}
      -DHOW=${how}
      -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/consumer_${how}
      -DCXX=${CMAKE_CXX_COMPILER}
      -DGENERATOR=${CMAKE_GENERATOR}
      -P ${CMAKE_CURRENT_LIST_DIR}/guest.cmake)
  set_tests_properties(consumer_${how} PROPERTIES TIMEOUT 600 PROCESSORS 2)
endforeach()
