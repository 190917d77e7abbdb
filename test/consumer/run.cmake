# Installs the library built in BINARY_DIR into a scratch prefix, then
# configures, builds and runs the consumer project against it.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/install)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix}
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build
    -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_PREFIX_PATH=${prefix}
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the consumer failed: ${rc}")
endif()
foreach(program IN ITEMS consumer consumer_serialization)
  execute_process(COMMAND ${WORK_DIR}/build/${program} RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "${program} failed: ${rc}")
  endif()
endforeach()
# Built where the library was built with MPI: a spawning program run alone,
# with the settings for one small machine (and as root, in CI).
if(EXISTS ${WORK_DIR}/build/consumer_mpi)
  set(ENV{OMPI_ALLOW_RUN_AS_ROOT} 1)
  set(ENV{OMPI_ALLOW_RUN_AS_ROOT_CONFIRM} 1)
  set(ENV{OMPI_MCA_rmaps_base_oversubscribe} 1)
  execute_process(COMMAND ${WORK_DIR}/build/consumer_mpi RESULT_VARIABLE rc TIMEOUT 120)
  if(rc)
    message(FATAL_ERROR "the MPI consumer failed: ${rc}")
  endif()
elseif(EXPECT_MPI)
  message(FATAL_ERROR "the library was built with MPI, but the consumer found no "
    "concurrent::futures_mpi in the installed package")
endif()
