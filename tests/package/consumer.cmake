# cmake -DBUILD_DIR=<lpe build tree> -DSOURCE_DIR=<lpe source tree> -DGENERATOR=Ninja
#       -DCXX=<compiler> [-DCXX_FLAGS=...] [-DLINKER_FLAGS=...] [-DLAUNCHER=ccache] -P consumer.cmake
# Installs the build tree into a fresh temporary prefix, checks its layout, then configures,
# builds and runs tests/package/consumer against it with find_package(lpe CONFIG).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

lpe_temporary_directory(work lpe-consumer)
set(prefix ${work}/prefix)
lpe_run(install ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# The layout consumers rely on: the tool, headers under their folder names, the CMake package.
foreach(file bin/lpe include/spec/spec.h include/validators/validators.h include/wire/wire.h
        include/mock/mock.h include/harness/harness.h include/base/result.h
        lib/cmake/lpe/lpeConfig.cmake lib/cmake/lpe/lpeConfigVersion.cmake
        lib/cmake/lpe/lpeTargets.cmake)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the install tree has no ${file}")
  endif()
endforeach()
file(GLOB_RECURSE private_headers LIST_DIRECTORIES false "${prefix}/include/*/internal/*"
     "${prefix}/include/*_test*")
if(private_headers)
  message(FATAL_ERROR "internal or test headers were installed: ${private_headers}")
endif()

set(consumer_options -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=RelWithDebInfo
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
    -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
if(LAUNCHER)
  list(APPEND consumer_options -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
# The consumer must see the installed headers, never this source tree.
lpe_run(configure ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${work}/build
        -G ${GENERATOR} ${consumer_options})
lpe_run(build ${CMAKE_COMMAND} --build ${work}/build)
file(READ ${work}/build/compile_commands.json commands)
string(FIND "${commands}" "${prefix}/include" uses_prefix)
string(FIND "${commands}" "-I${SOURCE_DIR}" uses_source)
if(uses_prefix EQUAL -1 OR NOT uses_source EQUAL -1)
  message(FATAL_ERROR "the consumer must compile against ${prefix}/include only:\n${commands}")
endif()
lpe_run(test ${work}/build/client_test)

file(REMOVE_RECURSE ${work})
message(STATUS "consumer: find_package(lpe) from an install tree, built and passed")
