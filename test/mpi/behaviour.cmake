# The behaviour tests: what the process pool's suite asks of an executor,
# asked of mpi_comm_executor under mpiexec and of mpi_pool_executor alone.
# Each binary has its own main (rank 0 runs Boost.Test, the other ranks
# serve), so neither links cf_test_main.
foreach(name IN ITEMS comm_executor pool_executor)
  add_executable(test_mpi_${name} ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp)
  target_link_libraries(test_mpi_${name} PRIVATE concurrent::futures_mpi
    Boost::unit_test_framework)
  target_compile_definitions(test_mpi_${name} PRIVATE BOOST_TEST_DYN_LINK)
  target_include_directories(test_mpi_${name} PRIVATE ${PROJECT_SOURCE_DIR}/test)
  target_compile_options(test_mpi_${name} PRIVATE ${warnings})
endforeach()

# mpi_comm_executor: three ranks, one submits.
set(cf_mpi_comm_command ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 3 --oversubscribe
  ${MPIEXEC_PREFLAGS} $<TARGET_FILE:test_mpi_comm_executor> ${MPIEXEC_POSTFLAGS})
add_test(NAME mpi_comm_executor COMMAND ${cf_mpi_comm_command} --report_level=short)
# Every message in pieces of 4 KiB: the cases whose messages are larger.
add_test(NAME mpi_comm_executor_small_pieces COMMAND ${cf_mpi_comm_command}
  --report_level=short
  --run_test=mpi_comm_executor/values_cross_both_ways,large_values_cross_whole,map_in_chunks_and_with_a_window,the_initializer_runs_first_on_every_rank)
set_tests_properties(mpi_comm_executor mpi_comm_executor_small_pieces PROPERTIES
  TIMEOUT 120 PROCESSORS 3 RESOURCE_LOCK mpi ENVIRONMENT "${cf_mpi_env}")
set_property(TEST mpi_comm_executor_small_pieces APPEND PROPERTY
  ENVIRONMENT CONCURRENT_FUTURES_MPI_PIECE_BYTES=4096)

# mpi_pool_executor: started alone, it spawns its workers.
add_test(NAME mpi_pool_executor COMMAND test_mpi_pool_executor --report_level=short)
# Started by mpiexec, as one rank of a job, every message in pieces of
# 4 KiB.
add_test(NAME mpi_pool_executor_under_mpiexec
  COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 1 --oversubscribe
    ${MPIEXEC_PREFLAGS} $<TARGET_FILE:test_mpi_pool_executor> ${MPIEXEC_POSTFLAGS}
    --report_level=short
    --run_test=mpi_pool_executor/the_pool_spawns_its_workers,values_cross_both_ways,exceptions_arrive_as_their_type_or_name_the_rank,large_values_cross_whole,queued_calls_start_highest_priority_first)
set_tests_properties(mpi_pool_executor mpi_pool_executor_under_mpiexec PROPERTIES
  TIMEOUT 120 PROCESSORS 3 RESOURCE_LOCK mpi ENVIRONMENT "${cf_mpi_env}")
set_property(TEST mpi_pool_executor_under_mpiexec APPEND PROPERTY
  ENVIRONMENT CONCURRENT_FUTURES_MPI_PIECE_BYTES=4096)
