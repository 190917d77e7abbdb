# run(COMMAND...): runs a command in a -P script and stops the script with
# the command line when it fails. Shared by the consumer tests' scripts.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(rc)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${command}")
  endif()
endfunction()
