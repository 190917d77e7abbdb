# The guest tests: a host project (HOW: fetchcontent/ or subdirectory/ here)
# builds concurrent-futures from SOURCE_DIR inside its own build, with the
# host's build type left empty and nothing of ours asked for; host.cmake
# checks the guest as it configures. Then its programs run, and the host's
# install must hold them and nothing of the guest's.
#
#   cmake -DHOW=fetchcontent -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch>
#         [-DCXX=<compiler>] [-DGENERATOR=<generator>] -P guest.cmake
#
# FetchContent takes a tarball of the source tree as it is now: the files git
# tracks or would track (uncommitted changes and new files included), or
# outside a git checkout every file but the build*/ directories.

cmake_minimum_required(VERSION 3.20)
foreach(var IN ITEMS HOW SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "guest.cmake: ${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

include(${CMAKE_CURRENT_LIST_DIR}/run_command.cmake)

if(HOW STREQUAL "fetchcontent")
  set(files)
  find_program(GIT git)
  if(GIT)
    execute_process(COMMAND ${GIT} rev-parse --show-toplevel
      WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE top
      OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  endif()
  if(GIT AND rc EQUAL 0 AND top)
    file(REAL_PATH "${top}" top)
    file(REAL_PATH "${SOURCE_DIR}" source)
  endif()
  if(GIT AND rc EQUAL 0 AND top STREQUAL source)
    execute_process(COMMAND ${GIT} ls-files --cached --others --exclude-standard
      WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE listed RESULT_VARIABLE rc)
    if(rc)
      message(FATAL_ERROR "git ls-files failed: ${rc}")
    endif()
    string(REPLACE "\n" ";" listed "${listed}")
    foreach(file IN LISTS listed)
      # Deleted in the working tree but not yet in git: not packed.
      if(file AND EXISTS ${SOURCE_DIR}/${file} AND NOT IS_DIRECTORY ${SOURCE_DIR}/${file})
        list(APPEND files ${file})
      endif()
    endforeach()
  else()
    file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR} LIST_DIRECTORIES false ${SOURCE_DIR}/*)
    list(FILTER files EXCLUDE REGEX "^(build[^/]*|\\.git)/")
  endif()
  list(LENGTH files count)
  string(JOIN "\n" listing ${files})
  file(WRITE ${WORK_DIR}/files.txt "${listing}\n")
  set(tarball ${WORK_DIR}/concurrent-futures.tar.gz)
  execute_process(COMMAND ${CMAKE_COMMAND} -E tar czf ${tarball} --files-from=${WORK_DIR}/files.txt
    WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "packing the source tree failed: ${rc}")
  endif()
  message(STATUS "packed ${count} files into ${tarball}")
  set(guest -DCONCURRENT_FUTURES_TARBALL=${tarball})
elseif(HOW STREQUAL "subdirectory")
  set(guest -DCONCURRENT_FUTURES_SOURCE=${SOURCE_DIR})
else()
  message(FATAL_ERROR "guest.cmake: HOW is fetchcontent or subdirectory, not '${HOW}'")
endif()

set(options)
if(CXX)
  list(APPEND options -DCMAKE_CXX_COMPILER=${CXX})
endif()
if(GENERATOR)
  list(APPEND options -G ${GENERATOR})
endif()
set(build ${WORK_DIR}/build)
run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/${HOW} -B ${build} ${options} ${guest})
run(${CMAKE_COMMAND} --build ${build} --parallel 2)
foreach(program IN ITEMS consumer consumer_serialization)
  run(${build}/${program})
endforeach()

set(prefix ${WORK_DIR}/install)
run(${CMAKE_COMMAND} --install ${build} --prefix ${prefix})
file(GLOB_RECURSE installed RELATIVE ${prefix} LIST_DIRECTORIES false ${prefix}/*)
list(SORT installed)
if(NOT installed STREQUAL "bin/consumer;bin/consumer_serialization")
  message(FATAL_ERROR "the host's install holds more than its programs: ${installed}")
endif()
message(STATUS "the host installed ${installed} and nothing of the guest's")
