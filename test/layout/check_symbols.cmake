# Fails when the thread-pool-only program's object holds remote-call
# machinery: what a process pool instantiates per call type.
#   cmake -DNM=... -DOBJECT=... -P check_symbols.cmake
execute_process(COMMAND ${NM} -C ${OBJECT} OUTPUT_VARIABLE symbols RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OBJECT}")
endif()
set(found "")
foreach(name IN ITEMS remote_trampoline encode_call trampoline_ref remote_task
                      codec_writer codec_reader "concurrent::futures::codec<"
                      chunk_source chunk_call)
  string(FIND "${symbols}" "${name}" at)
  if(NOT at EQUAL -1)
    list(APPEND found "${name}")
  endif()
endforeach()
string(REGEX MATCHALL "[^\n]*concurrent::futures[^\n]*" ours "${symbols}")
list(LENGTH ours count)
if(found)
  message(FATAL_ERROR "a thread-pool-only program instantiates remote-call machinery: ${found}")
endif()
if(count EQUAL 0)
  message(FATAL_ERROR "no symbol of the library in ${OBJECT}: the check reads the wrong file")
endif()
message(STATUS "thread-pool-only program: ${count} symbols of the library, none of the Wire")
