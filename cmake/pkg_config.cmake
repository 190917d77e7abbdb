# The pkg-config files, for builds without CMake:
#
#   c++ -std=c++20 main.cpp $(pkg-config --cflags --libs concurrent-futures)
#
#   concurrent-futures                       the library
#   concurrent-futures-boost-serialization   and Boost.Serialization, for
#                                            <concurrent/futures/boost_serialization.hpp>
#   concurrent-futures-mpi                   the MPI executors (where built)
#
# Cflags carry no -std: the user picks it, C++20 or later (config.hpp says so
# when it is older). The prefix is found from where the .pc file lies, so an
# installed tree that is moved or unpacked elsewhere still works.
# Included by CMakeLists.txt in its install section; the functions keep their
# variables to themselves (a host's build may include this project).

# -I for the include directories of TARGET the compiler does not search anyway
# (none for Debian's Boost, in /usr/include), appended to the list VAR.
function(concurrent_futures_pc_include_flags var target)
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set(flags ${${var}})
  foreach(dir IN LISTS dirs)
    if(dir AND NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
      list(APPEND flags "-I${dir}")
    endif()
  endforeach()
  set(${var} ${flags} PARENT_SCOPE)
endfunction()

# Writes NAME.pc into the build tree and installs it. Arguments: DESCRIPTION,
# and the fields REQUIRES, CFLAGS, LIBS, LIBS_PRIVATE as lists of words.
function(concurrent_futures_pc_file name)
  cmake_parse_arguments(PARSE_ARGV 1 pc "" "DESCRIPTION" "REQUIRES;CFLAGS;LIBS;LIBS_PRIVATE")
  string(JOIN ", " requires ${pc_REQUIRES})
  string(JOIN " " cflags ${pc_CFLAGS})
  string(JOIN " " libs ${pc_LIBS})
  string(JOIN " " libs_private ${pc_LIBS_PRIVATE})
  set(text "prefix=${pc_prefix}\nlibdir=${pc_libdir}\nincludedir=${pc_includedir}\n\n")
  string(APPEND text "Name: ${name}\nDescription: ${pc_DESCRIPTION}\n")
  string(APPEND text "Version: ${PROJECT_VERSION}\n")
  foreach(field IN ITEMS Requires Cflags Libs Libs.private)
    string(TOUPPER "${field}" key)
    string(REPLACE "." "_" key "${key}")
    string(TOLOWER "${key}" key)
    if(NOT "${${key}}" STREQUAL "")
      string(APPEND text "${field}: ${${key}}\n")
    endif()
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/pkgconfig/${name}.pc "${text}")
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${name}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()

function(concurrent_futures_pkg_config)
  # Where the files lie, from the prefix.
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(pc_prefix "${CMAKE_INSTALL_PREFIX}")
    set(pc_libdir "${CMAKE_INSTALL_FULL_LIBDIR}")
    set(pc_includedir "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
  else()
    file(RELATIVE_PATH pc_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
    string(REGEX REPLACE "/$" "" pc_up "${pc_up}")
    set(pc_prefix "\${pcfiledir}/${pc_up}")
    set(pc_libdir "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(pc_includedir "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
  endif()

  # ------------------------------------------------------------ concurrent-futures
  set(cflags "-I\${includedir}")
  concurrent_futures_pc_include_flags(cflags Boost::headers)
  list(APPEND cflags -pthread)
  if(library_type STREQUAL "SHARED_LIBRARY")
    list(APPEND cflags -DCONCURRENT_FUTURES_DYN_LINK)
  endif()
  # What a static library needs besides (pkg-config --static).
  set(libs_private)
  foreach(lib IN LISTS CMAKE_DL_LIBS)
    list(APPEND libs_private "-l${lib}")
  endforeach()
  concurrent_futures_pc_file(concurrent-futures
    DESCRIPTION "${PROJECT_DESCRIPTION} (C++20)"
    CFLAGS ${cflags}
    LIBS "-L\${libdir}" -lconcurrent_futures -pthread
    LIBS_PRIVATE ${libs_private})

  # ------------------------------------------------------------ Boost.Serialization
  if(CONCURRENT_FUTURES_HAVE_BOOST_SERIALIZATION)
    set(libs)
    get_target_property(configs Boost::serialization IMPORTED_CONFIGURATIONS)
    list(GET configs 0 config)
    get_target_property(location Boost::serialization IMPORTED_LOCATION_${config})
    get_filename_component(dir "${location}" DIRECTORY)
    if(NOT dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
      list(APPEND libs "-L${dir}")
    endif()
    set(cflags)
    concurrent_futures_pc_include_flags(cflags Boost::serialization)
    concurrent_futures_pc_file(concurrent-futures-boost-serialization
      DESCRIPTION "concurrent-futures with Boost.Serialization, for <concurrent/futures/boost_serialization.hpp>"
      REQUIRES "concurrent-futures = ${PROJECT_VERSION}"
      CFLAGS ${cflags}
      LIBS ${libs} -lboost_serialization)
  endif()

  # ------------------------------------------------------------ MPI
  # Requires the pkg-config module of the MPI that CMake found: the first of
  # Debian's alternative (mpi-c), Open MPI's (ompi-c) and MPICH's (mpich) names
  # whose libdir holds the libmpi linked here; else MPI's flags as FindMPI gave
  # them.
  if(CONCURRENT_FUTURES_HAVE_MPI)
    find_package(PkgConfig QUIET)
    set(mpi_dirs)
    foreach(lib IN LISTS MPI_CXX_LIBRARIES)
      if(NOT IS_ABSOLUTE "${lib}")
        continue()
      endif()
      get_filename_component(dir "${lib}" DIRECTORY)
      file(REAL_PATH "${dir}" dir)
      list(APPEND mpi_dirs "${dir}")
    endforeach()
    set(mpi_module)
    if(PKG_CONFIG_EXECUTABLE)
      foreach(candidate IN ITEMS mpi-c ompi-c mpich)
        execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --variable=libdir ${candidate}
          OUTPUT_VARIABLE dir RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE
          ERROR_QUIET)
        if(rc EQUAL 0 AND dir AND EXISTS "${dir}")
          file(REAL_PATH "${dir}" dir)
          if(dir IN_LIST mpi_dirs)
            set(mpi_module ${candidate})
            break()
          endif()
        endif()
      endforeach()
    endif()
    set(cflags)
    set(libs "-L\${libdir}" -lconcurrent_futures_mpi)
    if(mpi_module)
      message(STATUS "concurrent-futures: concurrent-futures-mpi.pc requires ${mpi_module}")
    else()
      message(STATUS "concurrent-futures: no pkg-config module for this MPI; "
        "concurrent-futures-mpi.pc carries its flags")
      concurrent_futures_pc_include_flags(cflags MPI::MPI_CXX)
      list(APPEND libs ${MPI_CXX_LIBRARIES})
    endif()
    concurrent_futures_pc_file(concurrent-futures-mpi
      DESCRIPTION "concurrent-futures' MPI executors"
      REQUIRES "concurrent-futures = ${PROJECT_VERSION}" ${mpi_module}
      CFLAGS ${cflags} -DOMPI_SKIP_MPICXX -DMPICH_SKIP_MPICXX
      LIBS ${libs})
  endif()
endfunction()
concurrent_futures_pkg_config()
