# Runs one failure scenario and judges how it ended, for a process whose
# exit status alone does not tell (a job Open MPI ends, MPI_Abort):
#
#   cmake -DCOMMAND=<arg|arg|...> -DEXIT=zero|nonzero|any -DWITHIN=<seconds>
#         -DMATCH=<regex> -P expect.cmake
#
# Fails when the command runs past WITHIN seconds, exits against EXIT, prints
# a line "FAIL: ...", or prints nothing that MATCH matches.

foreach(var COMMAND EXIT WITHIN MATCH)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "expect.cmake: -D${var}=... is required")
  endif()
endforeach()
string(REPLACE "|" ";" command "${COMMAND}")

string(TIMESTAMP started "%s")
execute_process(COMMAND ${command}
  TIMEOUT ${WITHIN}
  RESULT_VARIABLE status
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
string(TIMESTAMP ended "%s")
math(EXPR took "${ended} - ${started}")
message("${output}")
message("-- exit status: ${status}, after about ${took} s")

set(problems "")
if(NOT status MATCHES "^-?[0-9]+$")
  list(APPEND problems "it did not end by itself within ${WITHIN} s (${status})")
elseif(EXIT STREQUAL "zero" AND NOT status EQUAL 0)
  list(APPEND problems "it exited with ${status}, not 0")
elseif(EXIT STREQUAL "nonzero" AND status EQUAL 0)
  list(APPEND problems "it exited with 0")
endif()
if(output MATCHES "(^|\n)FAIL: ")
  list(APPEND problems "it printed FAIL lines")
endif()
if(NOT output MATCHES "${MATCH}")
  list(APPEND problems "its output does not match '${MATCH}'")
endif()
if(problems)
  string(REPLACE ";" "; " problems "${problems}")
  message(FATAL_ERROR "${COMMAND}: ${problems}")
endif()
