cmake_policy(SET CMP0007 NEW)
# Compiles each test/compile_fail/*.cpp and checks that it fails with the
# message named on its first line ("// expect: <text>") as its first error:
# the library's static_asserts must say why, first, not just fail. At most
# three errors in all, so the message is not buried. Optional next lines:
# "// when it compiles: <text>" says what to do if it ever compiles (a probe
# of a dependency's bug that a workaround exists for); "// flags: <flags>"
# adds compiler flags.
#   cmake -DCXX=... -DINCLUDE=... -DSOURCE_DIR=... -P run.cmake
file(GLOB sources ${SOURCE_DIR}/*.cpp)
set(failures 0)
set(max_errors 3)
foreach(source IN LISTS sources)
  file(STRINGS ${source} head LIMIT_COUNT 3)
  list(GET head 0 first)
  string(REGEX REPLACE "^// expect: " "" expected "${first}")
  set(advice "")
  set(flags "")
  foreach(line IN LISTS head)
    if(line MATCHES "^// when it compiles: (.*)")
      set(advice "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^// flags: (.*)")
      separate_arguments(flags UNIX_COMMAND "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  execute_process(
    COMMAND ${CXX} -std=c++20 -fsyntax-only ${flags} -I${INCLUDE} ${source}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  get_filename_component(name ${source} NAME)
  # Errors as g++ and clang start them; the first one's line, found by
  # position (a message may hold a ';', a CMake list separator).
  string(REGEX MATCHALL "error: " errors "${err}")
  list(LENGTH errors error_count)
  string(FIND "${err}" "error: " at)
  set(first_error "")
  if(at GREATER -1)
    string(SUBSTRING "${err}" ${at} -1 first_error)
    string(FIND "${first_error}" "\n" end)
    string(SUBSTRING "${first_error}" 0 ${end} first_error)
  endif()
  string(FIND "${first_error}" "${expected}" found)
  if(result EQUAL 0)
    message(SEND_ERROR "${name}: compiled, but must not. ${advice}")
    math(EXPR failures "${failures} + 1")
  elseif(found EQUAL -1)
    message(SEND_ERROR "${name}: the first error is not \"${expected}\":\n${err}")
    math(EXPR failures "${failures} + 1")
  elseif(error_count GREATER max_errors)
    message(SEND_ERROR "${name}: ${error_count} errors (at most ${max_errors}): the "
      "message is buried:\n${err}")
    math(EXPR failures "${failures} + 1")
  else()
    message(STATUS "${name}: fails first with \"${expected}\" (${error_count} error(s))")
  endif()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} compile-fail check(s) did not hold")
endif()
