# Compiles each test/compile_fail/*.cpp and checks that it fails with the
# message named on its first line ("// expect: <text>"): the library's
# static_asserts must say why, not just fail. A second line
# "// when it compiles: <text>" says what to do if it ever compiles (a probe
# of a dependency's bug that a workaround exists for).
#   cmake -DCXX=... -DINCLUDE=... -DSOURCE_DIR=... -P run.cmake
file(GLOB sources ${SOURCE_DIR}/*.cpp)
set(failures 0)
foreach(source IN LISTS sources)
  file(STRINGS ${source} head LIMIT_COUNT 2)
  list(GET head 0 first)
  list(GET head 1 second)
  string(REGEX REPLACE "^// expect: " "" expected "${first}")
  set(advice "")
  if(second MATCHES "^// when it compiles: ")
    string(REGEX REPLACE "^// when it compiles: " "" advice "${second}")
  endif()
  execute_process(
    COMMAND ${CXX} -std=c++20 -fsyntax-only -I${INCLUDE} ${source}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  get_filename_component(name ${source} NAME)
  string(FIND "${err}" "${expected}" found)
  if(result EQUAL 0)
    message(SEND_ERROR "${name}: compiled, but must not. ${advice}")
    math(EXPR failures "${failures} + 1")
  elseif(found EQUAL -1)
    message(SEND_ERROR "${name}: failed without the message \"${expected}\":\n${err}")
    math(EXPR failures "${failures} + 1")
  else()
    message(STATUS "${name}: fails with \"${expected}\"")
  endif()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} compile-fail check(s) did not hold")
endif()
