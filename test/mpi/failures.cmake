# The failure semantics of the MPI executors (test/mpi/failures/): a rank
# that dies, a call that kills its process, a silent rank, another build, a
# root that throws. One program, built twice (the second differs in code, so
# in build-id); each test runs one scenario under mpiexec or alone, through
# failures/expect.cmake, which judges how the job ended.

set(cf_failures_dir ${CMAKE_CURRENT_SOURCE_DIR}/failures)
foreach(build IN ITEMS a b)
  add_executable(test_mpi_failures_${build} ${cf_failures_dir}/failures.cpp)
  target_link_libraries(test_mpi_failures_${build} PRIVATE concurrent::futures_mpi)
  target_compile_options(test_mpi_failures_${build} PRIVATE ${warnings})
endforeach()
target_compile_definitions(test_mpi_failures_b PRIVATE CF_OTHER_BUILD)

set(cf_failures_a $<TARGET_FILE:test_mpi_failures_a>)
set(cf_failures_b $<TARGET_FILE:test_mpi_failures_b>)
string(JOIN "|" cf_failures_mpiexec ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG})
string(JOIN "|" cf_failures_pre ${MPIEXEC_PREFLAGS})
string(JOIN "|" cf_failures_post ${MPIEXEC_POSTFLAGS})

# cf_failures_test(<name> WITHIN <s> EXIT <zero|nonzero|any> COMMAND <arg|arg|...>
#                  MATCH <regex> [ENVIRONMENT <var=value>...])
# The test fails unless the command ends within WITHIN seconds, as EXIT says,
# printing a line that MATCH matches and no line "FAIL: ...".
function(cf_failures_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WITHIN;EXIT;COMMAND;MATCH" "ENVIRONMENT")
  set(defines -DCOMMAND=${arg_COMMAND} -DEXIT=${arg_EXIT} -DWITHIN=${arg_WITHIN}
    -DMATCH=${arg_MATCH})
  add_test(NAME mpi_failures_${name}
    COMMAND ${CMAKE_COMMAND} ${defines} -P ${cf_failures_dir}/expect.cmake)
  set(environment ${cf_mpi_env} ${arg_ENVIRONMENT})
  math(EXPR timeout "${arg_WITHIN} + 15")
  set_tests_properties(mpi_failures_${name} PROPERTIES
    TIMEOUT ${timeout}
    RESOURCE_LOCK mpi
    PROCESSORS 3
    ENVIRONMENT "${environment}")
endfunction()

# isolate_calls: a call that kills its process breaks the executor, not the
# job; a new executor over the same ranks works.
cf_failures_test(isolated WITHIN 60 EXIT zero MATCH "PASS isolated"
  COMMAND "${cf_failures_mpiexec}|3|--oversubscribe|${cf_failures_pre}|${cf_failures_a}|${cf_failures_post}|isolated")

# Another build is refused: spawned by a pool, and as ranks of an MPMD job.
cf_failures_test(build_spawned WITHIN 60 EXIT zero MATCH "PASS build_spawned"
  COMMAND "${cf_failures_a}|build_spawned|${cf_failures_b}"
  ENVIRONMENT CF_MPI_FAILURES_PIDS=${CMAKE_CURRENT_BINARY_DIR}/failures_build_spawned.pids)
cf_failures_test(build_mpmd WITHIN 60 EXIT zero MATCH "PASS build_mpmd"
  COMMAND "${cf_failures_mpiexec}|1|--oversubscribe|${cf_failures_pre}|${cf_failures_a}|${cf_failures_post}|build_mpmd|:|${MPIEXEC_NUMPROC_FLAG}|2|${cf_failures_b}|build_mpmd")

# A heartbeat notices a dead (spawned, alone) or stopped (--enable-recovery)
# worker instead of hanging; the environment then ends the job with
# MPI_Abort, so any exit status will do.
cf_failures_test(heartbeat_spawned WITHIN 30 EXIT any MATCH "heartbeat noticed: "
  COMMAND "${cf_failures_a}|heartbeat_spawned")
cf_failures_test(heartbeat_stopped WITHIN 30 EXIT any MATCH "heartbeat noticed: "
  COMMAND "${cf_failures_mpiexec}|3|--oversubscribe|--enable-recovery|${cf_failures_pre}|${cf_failures_a}|${cf_failures_post}|heartbeat_stopped")

# Default mode: a dead rank ends the job (Open MPI 4, no ULFM), naming it.
cf_failures_test(rank_death WITHIN 30 EXIT nonzero
  MATCH "process rank [12] with PID [0-9]+ on node [^ ]+ exited on signal 9"
  COMMAND "${cf_failures_mpiexec}|3|--oversubscribe|${cf_failures_pre}|${cf_failures_a}|${cf_failures_post}|rank_death")

# shutdown racing submit; a root that throws out of the executor's scope.
cf_failures_test(unwind WITHIN 60 EXIT zero MATCH "PASS unwind"
  COMMAND "${cf_failures_mpiexec}|3|--oversubscribe|${cf_failures_pre}|${cf_failures_a}|${cf_failures_post}|unwind")
